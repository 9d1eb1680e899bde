package dev.ociregistry.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link ResumableSha256} against the FIPS 180-4 examples and, for random content fed in random
 * pieces with its state exported and restored on the way, against the JDK's {@code MessageDigest}.
 */
class ResumableSha256Test {
  private static final HexFormat HEX = HexFormat.of();

  // The examples of FIPS 180-4 (csrc.nist.gov, "SHA256.pdf", "SHA2_Additional.pdf").

  @Test
  void emptyMessageHashesToTheNistValue() {
    assertThat(new ResumableSha256().digest().hex())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void abcHashesToTheNistValue() {
    assertThat(hashOf("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void the448BitMessageHashesToTheNistValue() {
    assertThat(hashOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
        .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  }

  @Test
  void the896BitMessageHashesToTheNistValue() {
    assertThat(
            hashOf(
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                    + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"))
        .isEqualTo("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  }

  @Test
  void oneMillionAsHashToTheNistValueWhetherFedAtOnceOrByteByByte() {
    byte[] millionAs = new byte[1_000_000];
    Arrays.fill(millionAs, (byte) 'a');
    ResumableSha256 atOnce = new ResumableSha256();
    atOnce.update(millionAs);
    ResumableSha256 byteByByte = new ResumableSha256();
    for (int i = 0; i < millionAs.length; i++) {
      byteByByte.update(millionAs, i, 1);
    }

    String expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    assertThat(atOnce.digest().hex()).isEqualTo(expected);
    assertThat(byteByByte.digest().hex()).isEqualTo(expected);
    assertThat(atOnce.length()).isEqualTo(1_000_000);
  }

  @Test
  void digestIsASha256DigestEqualToWhatDigestOfComputes() {
    byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
    ResumableSha256 sha = new ResumableSha256();
    sha.update(content);

    assertThat(sha.digest()).isEqualTo(Digest.sha256(content));
    assertThat(sha.digest().algorithm()).isEqualTo(DigestAlgorithm.SHA256);
  }

  @Test
  void digestLeavesTheStateAsItWasSoUpdatesContinueTheSameMessage() {
    ResumableSha256 sha = new ResumableSha256();
    sha.update(bytes("ab"));
    byte[] before = sha.exportState();

    assertThat(sha.digest()).isEqualTo(Digest.sha256(bytes("ab")));
    assertThat(sha.digest()).isEqualTo(Digest.sha256(bytes("ab")));
    assertThat(sha.exportState()).isEqualTo(before);
    sha.update(bytes("c"));
    assertThat(sha.digest().hex())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void copyGoesOnIndependentlyOfTheOriginal() {
    ResumableSha256 original = new ResumableSha256();
    original.update(bytes("a"));
    ResumableSha256 copy = original.copy();
    copy.update(bytes("bc"));
    original.update(bytes("x"));

    assertThat(copy.digest()).isEqualTo(Digest.sha256(bytes("abc")));
    assertThat(original.digest()).isEqualTo(Digest.sha256(bytes("ax")));
    assertThat(copy.length()).isEqualTo(3);
    assertThat(original.length()).isEqualTo(2);
  }

  @Test
  void theVersion1FormatOfAbcIsExactlyTheseBytes() {
    ResumableSha256 sha = new ResumableSha256();
    sha.update(bytes("abc"));

    // Version 1, the initial hash value H(0), length 3, 3 buffered bytes, "abc", CRC-32C.
    String expected =
        "01"
            + "6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19"
            + "0000000000000003"
            + "03"
            + "616263";
    byte[] state = sha.exportState();
    assertThat(HEX.formatHex(state, 0, state.length - 4)).isEqualTo(expected);
    assertThat(state).isEqualTo(seal(HEX.parseHex(expected)));
  }

  @Test
  void exportedStateIs46BytesPlusTheBytesOfTheIncompleteBlock() {
    for (int length : new int[] {0, 1, 63, 64, 65, 127, 128, 1000}) {
      ResumableSha256 sha = new ResumableSha256();
      sha.update(new byte[length]);

      assertThat(sha.exportState()).as("length %d", length).hasSize(46 + length % 64);
    }
  }

  @Test
  void restoreNamesTheVersionItFoundAndTheOneItReads() {
    byte[] state = new ResumableSha256().exportState();
    state[0] = (byte) 0xfe;

    assertThatThrownBy(() -> ResumableSha256.restore(state))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("SHA-256 state has version 254; this code reads version 1");
  }

  @Test
  void restoreRefusesAnEmptyStateAndNamesTheSizesItAccepts() {
    assertThatThrownBy(() -> ResumableSha256.restore(new byte[0]))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("SHA-256 state is empty");
    assertThatThrownBy(() -> ResumableSha256.restore(new byte[] {1, 0, 0}))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("SHA-256 state is 3 bytes; a version-1 state is 46 to 109");
    assertThatThrownBy(() -> ResumableSha256.restore(new byte[110]))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 0");
  }

  @Test
  void restoreRefusesAStateWhoseSizeDisagreesWithItsBufferedCount() {
    byte[] state = Arrays.copyOf(new ResumableSha256().exportState(), 47);

    assertThatThrownBy(() -> ResumableSha256.restore(state))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("SHA-256 state is 47 bytes but says it buffers 0, which takes 46");
  }

  @Test
  void restoreRefusesAStateWhoseChecksumDoesNotMatch() {
    byte[] state = new ResumableSha256().exportState();
    state[5] ^= 1;

    assertThatThrownBy(() -> ResumableSha256.restore(state))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SHA-256 state is corrupt: its CRC-32C is ");
  }

  @Test
  void restoreRefusesASealedStateWhoseBufferedCountIsNotItsLengthMod64() {
    // Length 65 needs one buffered byte; this state buffers two, and its checksum is right.
    byte[] state = forged(65, new byte[2]);

    assertThatThrownBy(() -> ResumableSha256.restore(state))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("SHA-256 state buffers 2 bytes, but its length 65 needs 1");
  }

  @Test
  void restoreRefusesASealedStateWhoseLengthIsBeyondSha256() {
    assertThatThrownBy(() -> ResumableSha256.restore(forged(1L << 61, new byte[0])))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "SHA-256 state has length 2305843009213693952, beyond SHA-256's limit of 2305843009213693951");
    assertThatThrownBy(() -> ResumableSha256.restore(forged(-64, new byte[0])))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "SHA-256 state has length 18446744073709551552, beyond SHA-256's limit of 2305843009213693951");
  }

  @Test
  void aMessageOfTheLongestLengthStillHasADigestButNoMoreBytes() {
    long longest = ResumableSha256.MAX_LENGTH;
    byte[] tail = new byte[(int) (longest % 64)];
    ResumableSha256 sha = ResumableSha256.restore(forged(longest, tail));

    assertThat(sha.length()).isEqualTo(longest);
    assertThat(sha.digest().hex()).hasSize(64);
    assertThatThrownBy(() -> sha.update(new byte[1], 0, 1))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shorter than 2^64 bits");
    ByteBuffer direct = ByteBuffer.allocateDirect(1);
    assertThatThrownBy(() -> sha.update(direct)).isExactlyInstanceOf(IllegalStateException.class);
    assertThat(direct.position()).isZero();
    assertThat(sha.length()).isEqualTo(longest);
    sha.update(new byte[0]);
    sha.update(ByteBuffer.allocateDirect(0));
    assertThat(sha.length()).isEqualTo(longest);
  }

  @Test
  void updateWithARangeOutsideTheArrayThrowsAndChangesNothing() {
    ResumableSha256 sha = new ResumableSha256();
    sha.update(bytes("ab"));

    assertThatThrownBy(() -> sha.update(new byte[4], 2, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> sha.update(new byte[4], -1, 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(sha.length()).isEqualTo(2);
    assertThat(sha.digest()).isEqualTo(Digest.sha256(bytes("ab")));
  }

  @Test
  void updateFromABufferReadsFromPositionToLimitAndMovesThePositionToTheLimit() {
    byte[] content = bytes("xxabcyy");
    ByteBuffer heap = ByteBuffer.wrap(content).position(2).limit(5);
    ByteBuffer slice = ByteBuffer.wrap(content, 1, 5).slice().position(1).limit(4);
    ByteBuffer readOnly = ByteBuffer.wrap(content).asReadOnlyBuffer().position(2).limit(5);
    ByteBuffer direct = ByteBuffer.allocateDirect(7).put(content).position(2).limit(5);

    for (ByteBuffer buffer : List.of(heap, slice, readOnly, direct)) {
      ResumableSha256 sha = new ResumableSha256();
      sha.update(buffer);

      assertThat(sha.digest()).as("%s", buffer).isEqualTo(Digest.sha256(bytes("abc")));
      assertThat(buffer.position()).isEqualTo(buffer.limit());
    }
  }

  // Properties: random content in random pieces, against MessageDigest.

  @Property
  void anyContentFedInAnyPiecesWithStateRestoredOnTheWayHashesAsMessageDigestDoes(
      @ForAll("smallPlans") Plan plan) {
    plan.check();
  }

  @Property(tries = 12)
  void contentOfAFewMibFedInAnyPiecesHashesAsMessageDigestDoes(@ForAll("largePlans") Plan plan) {
    plan.check();
  }

  @Property
  void aRestoredStateExportsTheSameBytesAndHashesTheSameContinuation(
      @ForAll("smallContent") byte[] content, @ForAll("smallContent") byte[] continuation) {
    ResumableSha256 sha = new ResumableSha256();
    sha.update(content);
    byte[] state = sha.exportState();
    ResumableSha256 restored = ResumableSha256.restore(state);

    assertThat(restored.exportState()).isEqualTo(state);
    assertThat(restored.length()).isEqualTo(content.length);
    restored.update(continuation);
    sha.update(continuation);
    assertThat(restored.digest())
        .isEqualTo(sha.digest())
        .isEqualTo(messageDigest(content, continuation));
  }

  @Property
  void anyOtherVersionIsRefused(@ForAll("smallContent") byte[] content, @ForAll byte version) {
    byte[] state = stateAfter(content);
    state[0] = version == ResumableSha256.STATE_VERSION ? (byte) (version + 1) : version;

    assertRefused(state);
  }

  @Property
  void anyTruncatedStateIsRefused(
      @ForAll("smallContent") byte[] content, @ForAll @IntRange(min = 0, max = 108) int keep) {
    byte[] state = stateAfter(content);

    assertRefused(Arrays.copyOf(state, Math.min(keep, state.length - 1)));
  }

  @Property
  void anyStateWithBytesAddedIsRefused(
      @ForAll("smallContent") byte[] content, @ForAll("smallContent") byte[] extra) {
    byte[] state = stateAfter(content);
    byte[] longer = Arrays.copyOf(state, state.length + Math.max(1, extra.length));
    System.arraycopy(extra, 0, longer, state.length, extra.length);

    assertRefused(longer);
  }

  @Property
  void anyStateWithAByteChangedIsRefused(
      @ForAll("smallContent") byte[] content,
      @ForAll @IntRange(min = 0, max = 108) int position,
      @ForAll @IntRange(min = 1, max = 255) int flips) {
    byte[] state = stateAfter(content);
    state[position % state.length] ^= (byte) flips;

    assertRefused(state);
  }

  @Property
  void anyRandomBytesAreRefusedWithIllegalArgumentOnly(@ForAll("smallContent") byte[] state) {
    assertRefused(state);
  }

  private static void assertRefused(byte[] state) {
    assertThatThrownBy(() -> ResumableSha256.restore(state))
        .as("state %s", HEX.formatHex(state))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SHA-256 state ");
  }

  @Provide
  Arbitrary<byte[]> smallContent() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(3 * 64 + 1);
  }

  /** Content of 0 to 3 blocks, cut near block boundaries as often as anywhere else. */
  @Provide
  Arbitrary<Plan> smallPlans() {
    return smallContent()
        .flatMap(content -> steps(content.length, 10).map(steps -> new Plan(content, steps)));
  }

  /** 1 to 4 MiB of seeded random content, cut a few times. */
  @Provide
  Arbitrary<Plan> largePlans() {
    return Combinators.combine(
            Arbitraries.longs(), Arbitraries.integers().between(1 << 20, 4 << 20))
        .as(ResumableSha256Test::seeded)
        .flatMap(content -> steps(content.length, 16).map(steps -> new Plan(content, steps)));
  }

  private static byte[] seeded(long seed, int size) {
    byte[] content = new byte[size];
    new Random(seed).nextBytes(content);
    return content;
  }

  private static Arbitrary<List<Step>> steps(int length, int most) {
    Arbitrary<Integer> anywhere = Arbitraries.integers().between(0, length);
    Arbitrary<Integer> nearABoundary =
        Combinators.combine(
                Arbitraries.integers().between(0, length / 64),
                Arbitraries.integers().between(-1, 1))
            .as((block, offset) -> Math.max(0, Math.min(length, block * 64 + offset)));
    return Combinators.combine(
            Arbitraries.oneOf(anywhere, nearABoundary),
            Arbitraries.of(Feed.class),
            Arbitraries.of(Pause.class))
        .as(Step::new)
        .list()
        .ofMaxSize(most);
  }

  /** How a piece of content reaches {@link ResumableSha256#update}. */
  enum Feed {
    ARRAY,
    HEAP_BUFFER,
    OFFSET_HEAP_SLICE,
    READ_ONLY_HEAP_BUFFER,
    DIRECT_BUFFER,
    LITTLE_ENDIAN_DIRECT_BUFFER;

    void feed(ResumableSha256 sha, byte[] content, int from, int to) {
      int count = to - from;
      switch (this) {
        case ARRAY -> sha.update(content, from, count);
        case HEAP_BUFFER -> updateAll(sha, ByteBuffer.wrap(content, from, count));
        case OFFSET_HEAP_SLICE -> {
          byte[] wider = new byte[count + 7];
          System.arraycopy(content, from, wider, 3, count);
          updateAll(sha, ByteBuffer.wrap(wider, 2, count + 1).slice().position(1));
        }
        case READ_ONLY_HEAP_BUFFER ->
            updateAll(sha, ByteBuffer.wrap(content, from, count).asReadOnlyBuffer());
        case DIRECT_BUFFER, LITTLE_ENDIAN_DIRECT_BUFFER -> {
          // One byte before the piece, so that its words are not aligned.
          ByteBuffer direct = ByteBuffer.allocateDirect(count + 1);
          direct.position(1);
          direct.put(content, from, count).position(1);
          if (this == LITTLE_ENDIAN_DIRECT_BUFFER) {
            direct.order(ByteOrder.LITTLE_ENDIAN);
          }
          updateAll(sha, direct);
        }
      }
    }

    private static void updateAll(ResumableSha256 sha, ByteBuffer buffer) {
      int limit = buffer.limit();
      sha.update(buffer);
      assertThat(buffer.position()).isEqualTo(limit);
    }
  }

  /** What happens to the hash after a piece. */
  enum Pause {
    NONE,
    EXPORT_AND_RESTORE,
    COPY,
    DIGEST
  }

  record Step(int cut, Feed feed, Pause pause) {}

  /** Content, and the cuts where one piece ends and the next begins. */
  record Plan(byte[] content, List<Step> steps) {
    void check() {
      List<Step> sorted = new ArrayList<>(steps);
      sorted.sort(Comparator.comparingInt(Step::cut));
      sorted.add(new Step(content.length, Feed.ARRAY, Pause.DIGEST));
      ResumableSha256 sha = new ResumableSha256();
      int from = 0;
      for (Step step : sorted) {
        step.feed().feed(sha, content, from, step.cut());
        from = step.cut();
        assertThat(sha.length()).isEqualTo(from);
        switch (step.pause()) {
          case EXPORT_AND_RESTORE -> sha = ResumableSha256.restore(sha.exportState());
          case COPY -> {
            ResumableSha256 abandoned = sha;
            sha = sha.copy();
            abandoned.update(new byte[] {1, 2, 3});
          }
          case DIGEST ->
              assertThat(sha.digest())
                  .as("digest after %d bytes", from)
                  .isEqualTo(messageDigest(Arrays.copyOf(content, from)));
          case NONE -> {}
        }
      }
      assertThat(sha.digest()).isEqualTo(messageDigest(content));
    }

    @Override
    public String toString() {
      return "Plan[" + content.length + " bytes, " + steps + "]";
    }
  }

  private static Digest messageDigest(byte[]... parts) {
    var md = DigestAlgorithm.SHA256.newMessageDigest();
    for (byte[] part : parts) {
      md.update(part);
    }
    return Digest.of(DigestAlgorithm.SHA256, md);
  }

  private static byte[] stateAfter(byte[] content) {
    ResumableSha256 sha = new ResumableSha256();
    sha.update(content);
    return sha.exportState();
  }

  /** A version-1 state with any length and buffered bytes, and a right checksum. */
  private static byte[] forged(long length, byte[] buffered) {
    ByteBuffer state = ByteBuffer.allocate(42 + buffered.length);
    state.put((byte) 1).put(new byte[32]).putLong(length).put((byte) buffered.length).put(buffered);
    return seal(state.array());
  }

  private static byte[] seal(byte[] unsealed) {
    CRC32C crc = new CRC32C();
    crc.update(unsealed);
    return ByteBuffer.allocate(unsealed.length + 4)
        .put(unsealed)
        .putInt((int) crc.getValue())
        .array();
  }

  private static String hashOf(String text) {
    ResumableSha256 sha = new ResumableSha256();
    sha.update(bytes(text));
    return sha.digest().hex();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
