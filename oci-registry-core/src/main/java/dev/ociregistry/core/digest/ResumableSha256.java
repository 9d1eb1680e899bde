package dev.ociregistry.core.digest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * SHA-256 (FIPS 180-4, section 6.2) whose intermediate state can be exported to bytes and restored,
 * possibly in another process, so that a hash can follow an upload whose chunks land on different
 * replicas. {@link java.security.MessageDigest} cannot do this; apart from that the two agree byte
 * for byte.
 *
 * <p>{@link #digest()} does not disturb the state: it pads a copy, so the same instance can go on
 * with {@link #update} and answer {@link #digest()} again for the longer message. Instances are not
 * thread-safe; {@link #copy()} gives an independent one.
 *
 * <p>The exported state holds the eight 32-bit chaining words of the blocks hashed so far, the
 * message length in bytes and the bytes of the last, incomplete block (at most 63). It carries no
 * key or other secret: it is the hash state of the content, and it reveals no more than that
 * content does (up to 63 of its bytes in the clear, and the chaining value from which the digests
 * of any extension of the content follow). Keep it where the upload's own bytes are kept, with the
 * same access.
 *
 * <p>Version 1 of the format, all integers big-endian, 46 to 109 bytes:
 *
 * <pre>
 * offset  size   field
 *      0     1   version, 1
 *      1    32   H0..H7, the chaining words after the last complete block
 *     33     8   length of the message so far in bytes, 0 to 2^61 - 1
 *     41     1   n, the number of buffered bytes: length mod 64
 *     42     n   the buffered bytes of the incomplete block
 *   42+n     4   CRC-32C of all the bytes before it
 * </pre>
 *
 * <p>{@link #restore} refuses, with an {@link IllegalArgumentException} that says why, a state of
 * another version or size, one whose checksum does not match, and one whose buffered count is not
 * its length mod 64. The checksum catches any corruption of up to 32 consecutive bits anywhere in
 * the state, which without it would only show as a wrong digest at the end of the upload.
 *
 * @see <a href="https://csrc.nist.gov/pubs/fips/180-4/upd1/final">FIPS 180-4, Secure Hash
 *     Standard</a>
 */
public final class ResumableSha256 {
  /** The version {@link #exportState()} writes and the only one {@link #restore} reads. */
  public static final int STATE_VERSION = 1;

  /** The longest message SHA-256 is defined for, in bytes: fewer than 2^64 bits. */
  public static final long MAX_LENGTH = (1L << 61) - 1;

  private static final int BLOCK = 64;
  private static final int HEADER = 1 + 32 + 8 + 1;
  private static final int CHECKSUM = 4;
  private static final int MIN_STATE = HEADER + CHECKSUM;
  private static final int MAX_STATE = MIN_STATE + BLOCK - 1;

  private static final VarHandle ARRAY_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle ARRAY_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle BUFFER_INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final HexFormat HEX = HexFormat.of();

  /** The round constants of FIPS 180-4 section 4.2.2. */
  private static final int[] K = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  };

  private int h0 = 0x6a09e667;
  private int h1 = 0xbb67ae85;
  private int h2 = 0x3c6ef372;
  private int h3 = 0xa54ff53a;
  private int h4 = 0x510e527f;
  private int h5 = 0x9b05688c;
  private int h6 = 0x1f83d9ab;
  private int h7 = 0x5be0cd19;

  /** Bytes hashed so far; {@code length mod 64} of them wait in {@link #pending}. */
  private long length;

  private final byte[] pending = new byte[BLOCK];

  /** The message schedule, kept so that no block allocates. */
  private final int[] w = new int[BLOCK];

  /** A hash of the empty message. */
  public ResumableSha256() {}

  /**
   * Adds {@code count} bytes of {@code bytes} from {@code offset}.
   *
   * @param bytes the content
   * @param offset where in {@code bytes} the piece starts
   * @param count how many bytes to add
   * @throws IndexOutOfBoundsException if the range is not within {@code bytes}
   * @throws IllegalStateException if the message would grow beyond {@link #MAX_LENGTH}
   */
  public void update(byte[] bytes, int offset, int count) {
    Objects.checkFromIndexSize(offset, count, bytes.length);
    grow(count);
    append(bytes, offset, count);
  }

  private void append(byte[] bytes, int offset, int count) {
    int fill = (int) length & (BLOCK - 1);
    length += count;
    int at = offset;
    int left = count;
    if (fill > 0) {
      int take = Math.min(BLOCK - fill, left);
      System.arraycopy(bytes, at, pending, fill, take);
      if (fill + take < BLOCK) {
        return;
      }
      at += take;
      left -= take;
      block(pending, 0);
    }
    while (left >= BLOCK) {
      block(bytes, at);
      at += BLOCK;
      left -= BLOCK;
    }
    System.arraycopy(bytes, at, pending, 0, left);
  }

  /**
   * Adds all of {@code bytes}.
   *
   * @param bytes the content
   * @throws IllegalStateException if the message would grow beyond {@link #MAX_LENGTH}
   */
  public void update(byte[] bytes) {
    update(bytes, 0, bytes.length);
  }

  /**
   * Adds the bytes between the buffer's position and its limit, and moves the position to the
   * limit. Heap and direct buffers alike, whatever their byte order; a heap buffer's array is read
   * in place.
   *
   * @param buffer the content, from its position to its limit
   * @throws IllegalStateException if the message would grow beyond {@link #MAX_LENGTH}; the buffer
   *     is then left as it was
   */
  public void update(ByteBuffer buffer) {
    int position = buffer.position();
    int limit = buffer.limit();
    int count = limit - position;
    if (buffer.hasArray()) {
      update(buffer.array(), buffer.arrayOffset() + position, count);
      buffer.position(limit);
      return;
    }
    grow(count);
    int fill = (int) length & (BLOCK - 1);
    length += count;
    int at = position;
    int left = count;
    if (fill > 0) {
      int take = Math.min(BLOCK - fill, left);
      buffer.get(at, pending, fill, take);
      at += take;
      left -= take;
      if (fill + take == BLOCK) {
        block(pending, 0);
      }
    }
    while (left >= BLOCK) {
      int[] w = this.w;
      for (int i = 0; i < 16; i++) {
        w[i] = (int) BUFFER_INT.get(buffer, at + 4 * i);
      }
      compress();
      at += BLOCK;
      left -= BLOCK;
    }
    buffer.get(at, pending, 0, left);
    buffer.position(limit);
  }

  /** {@return the number of bytes hashed so far} */
  public long length() {
    return length;
  }

  /**
   * The SHA-256 digest of the bytes hashed so far. Unlike {@link
   * java.security.MessageDigest#digest()} this does not reset anything: the state stays as it was,
   * and further updates continue the same message.
   *
   * @return the {@code sha256:} digest of the {@link #length()} bytes hashed so far
   */
  public Digest digest() {
    ResumableSha256 last = copy();
    byte[] padding = new byte[BLOCK + 8];
    padding[0] = (byte) 0x80;
    int fill = (int) length & (BLOCK - 1);
    int zeros = (55 - fill) & (BLOCK - 1);
    ARRAY_LONG.set(padding, 1 + zeros, length << 3);
    last.append(padding, 0, 1 + zeros + 8);
    byte[] out = new byte[32];
    last.writeWords(out, 0);
    return new Digest(DigestAlgorithm.SHA256, HEX.formatHex(out));
  }

  /** {@return an independent instance in the same state} */
  public ResumableSha256 copy() {
    ResumableSha256 copy = new ResumableSha256();
    copy.h0 = h0;
    copy.h1 = h1;
    copy.h2 = h2;
    copy.h3 = h3;
    copy.h4 = h4;
    copy.h5 = h5;
    copy.h6 = h6;
    copy.h7 = h7;
    copy.length = length;
    System.arraycopy(pending, 0, copy.pending, 0, (int) length & (BLOCK - 1));
    return copy;
  }

  /**
   * The state in the version-1 format described {@linkplain ResumableSha256 above}: 46 bytes plus
   * the {@code length() mod 64} bytes of the incomplete block. {@link #restore} reads it back.
   *
   * @return a new array holding the state
   */
  public byte[] exportState() {
    int fill = (int) length & (BLOCK - 1);
    byte[] state = new byte[MIN_STATE + fill];
    state[0] = STATE_VERSION;
    writeWords(state, 1);
    ARRAY_LONG.set(state, 33, length);
    state[41] = (byte) fill;
    System.arraycopy(pending, 0, state, HEADER, fill);
    ARRAY_INT.set(state, HEADER + fill, checksum(state, HEADER + fill));
    return state;
  }

  /**
   * The hash whose state {@link #exportState()} wrote.
   *
   * @param state what {@link #exportState()} returned, here or in another process
   * @return a hash in that state, independent of {@code state}
   * @throws IllegalArgumentException if {@code state} is not a well-formed version-1 state: another
   *     version, a size other than 46 plus its buffered count, a checksum that does not match, a
   *     length beyond {@link #MAX_LENGTH}, or a buffered count that is not the length mod 64
   */
  public static ResumableSha256 restore(byte[] state) {
    Objects.requireNonNull(state, "state");
    if (state.length == 0) {
      throw new IllegalArgumentException("SHA-256 state is empty");
    }
    if (state[0] != STATE_VERSION) {
      throw new IllegalArgumentException(
          "SHA-256 state has version "
              + Byte.toUnsignedInt(state[0])
              + "; this code reads version "
              + STATE_VERSION);
    }
    if (state.length < MIN_STATE || state.length > MAX_STATE) {
      throw new IllegalArgumentException(
          "SHA-256 state is "
              + state.length
              + " bytes; a version-"
              + STATE_VERSION
              + " state is "
              + MIN_STATE
              + " to "
              + MAX_STATE);
    }
    int fill = Byte.toUnsignedInt(state[41]);
    if (state.length != MIN_STATE + fill) {
      throw new IllegalArgumentException(
          "SHA-256 state is "
              + state.length
              + " bytes but says it buffers "
              + fill
              + ", which takes "
              + (MIN_STATE + fill));
    }
    int expected = (int) ARRAY_INT.get(state, HEADER + fill);
    int actual = checksum(state, HEADER + fill);
    if (expected != actual) {
      throw new IllegalArgumentException(
          "SHA-256 state is corrupt: its CRC-32C is "
              + Integer.toHexString(actual)
              + ", it says "
              + Integer.toHexString(expected));
    }
    long length = (long) ARRAY_LONG.get(state, 33);
    if (length < 0 || length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "SHA-256 state has length "
              + Long.toUnsignedString(length)
              + ", beyond SHA-256's limit of "
              + MAX_LENGTH);
    }
    if (fill != ((int) length & (BLOCK - 1))) {
      throw new IllegalArgumentException(
          "SHA-256 state buffers "
              + fill
              + " bytes, but its length "
              + length
              + " needs "
              + (length % BLOCK));
    }
    ResumableSha256 sha = new ResumableSha256();
    sha.h0 = (int) ARRAY_INT.get(state, 1);
    sha.h1 = (int) ARRAY_INT.get(state, 5);
    sha.h2 = (int) ARRAY_INT.get(state, 9);
    sha.h3 = (int) ARRAY_INT.get(state, 13);
    sha.h4 = (int) ARRAY_INT.get(state, 17);
    sha.h5 = (int) ARRAY_INT.get(state, 21);
    sha.h6 = (int) ARRAY_INT.get(state, 25);
    sha.h7 = (int) ARRAY_INT.get(state, 29);
    sha.length = length;
    System.arraycopy(state, HEADER, sha.pending, 0, fill);
    return sha;
  }

  private void grow(int count) {
    if (count > MAX_LENGTH - length) {
      throw new IllegalStateException(
          "SHA-256 is defined for messages shorter than 2^64 bits; this one has "
              + length
              + " bytes and "
              + count
              + " more would pass that");
    }
  }

  private static int checksum(byte[] state, int count) {
    CRC32C crc = new CRC32C();
    crc.update(state, 0, count);
    return (int) crc.getValue();
  }

  private void writeWords(byte[] out, int offset) {
    ARRAY_INT.set(out, offset, h0);
    ARRAY_INT.set(out, offset + 4, h1);
    ARRAY_INT.set(out, offset + 8, h2);
    ARRAY_INT.set(out, offset + 12, h3);
    ARRAY_INT.set(out, offset + 16, h4);
    ARRAY_INT.set(out, offset + 20, h5);
    ARRAY_INT.set(out, offset + 24, h6);
    ARRAY_INT.set(out, offset + 28, h7);
  }

  private void block(byte[] bytes, int offset) {
    int[] w = this.w;
    for (int i = 0; i < 16; i++) {
      w[i] = (int) ARRAY_INT.get(bytes, offset + 4 * i);
    }
    compress();
  }

  /** One application of the compression function to the block in {@code w[0..15]} (6.2.2). */
  private void compress() {
    int[] w = this.w;
    for (int t = 16; t < BLOCK; t++) {
      int x = w[t - 2];
      int y = w[t - 15];
      w[t] =
          (Integer.rotateRight(x, 17) ^ Integer.rotateRight(x, 19) ^ (x >>> 10))
              + w[t - 7]
              + (Integer.rotateRight(y, 7) ^ Integer.rotateRight(y, 18) ^ (y >>> 3))
              + w[t - 16];
    }
    int a = h0;
    int b = h1;
    int c = h2;
    int d = h3;
    int e = h4;
    int f = h5;
    int g = h6;
    int h = h7;
    // Eight rounds a pass, the working variables renamed instead of shifted.
    for (int t = 0; t < BLOCK; t += 8) {
      h += sigma1(e) + (g ^ (e & (f ^ g))) + K[t] + w[t];
      d += h;
      h += sigma0(a) + ((a & b) | (c & (a | b)));
      g += sigma1(d) + (f ^ (d & (e ^ f))) + K[t + 1] + w[t + 1];
      c += g;
      g += sigma0(h) + ((h & a) | (b & (h | a)));
      f += sigma1(c) + (e ^ (c & (d ^ e))) + K[t + 2] + w[t + 2];
      b += f;
      f += sigma0(g) + ((g & h) | (a & (g | h)));
      e += sigma1(b) + (d ^ (b & (c ^ d))) + K[t + 3] + w[t + 3];
      a += e;
      e += sigma0(f) + ((f & g) | (h & (f | g)));
      d += sigma1(a) + (c ^ (a & (b ^ c))) + K[t + 4] + w[t + 4];
      h += d;
      d += sigma0(e) + ((e & f) | (g & (e | f)));
      c += sigma1(h) + (b ^ (h & (a ^ b))) + K[t + 5] + w[t + 5];
      g += c;
      c += sigma0(d) + ((d & e) | (f & (d | e)));
      b += sigma1(g) + (a ^ (g & (h ^ a))) + K[t + 6] + w[t + 6];
      f += b;
      b += sigma0(c) + ((c & d) | (e & (c | d)));
      a += sigma1(f) + (h ^ (f & (g ^ h))) + K[t + 7] + w[t + 7];
      e += a;
      a += sigma0(b) + ((b & c) | (d & (b | c)));
    }
    h0 += a;
    h1 += b;
    h2 += c;
    h3 += d;
    h4 += e;
    h5 += f;
    h6 += g;
    h7 += h;
  }

  private static int sigma0(int x) {
    return Integer.rotateRight(x, 2) ^ Integer.rotateRight(x, 13) ^ Integer.rotateRight(x, 22);
  }

  private static int sigma1(int x) {
    return Integer.rotateRight(x, 6) ^ Integer.rotateRight(x, 11) ^ Integer.rotateRight(x, 25);
  }
}
