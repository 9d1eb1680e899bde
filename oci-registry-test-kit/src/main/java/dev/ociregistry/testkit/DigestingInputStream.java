package dev.ociregistry.testkit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A stream that counts and digests (SHA-256) the bytes read through it: for bodies too large to
 * hold in memory, pushed from a generator or pulled from a response, checked afterwards.
 */
public final class DigestingInputStream extends FilterInputStream {
  private final MessageDigest sha256 = Digests.newSha256();
  private long count;

  public DigestingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      sha256.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int read = super.read(buffer, offset, length);
    if (read > 0) {
      sha256.update(buffer, offset, read);
      count += read;
    }
    return read;
  }

  /** Skipping would leave bytes out of the digest, so it reads them instead. */
  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (read < 0) {
        break;
      }
      skipped += read;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** How many bytes have been read so far. */
  public long count() {
    return count;
  }

  /** {@code sha256:<hex>} of the bytes read so far (the stream may go on being read). */
  public String digest() {
    try {
      MessageDigest copy = (MessageDigest) sha256.clone();
      return "sha256:" + HexFormat.of().formatHex(copy.digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
    }
  }
}
