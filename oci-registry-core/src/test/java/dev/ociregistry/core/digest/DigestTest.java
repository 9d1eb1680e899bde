package dev.ociregistry.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing, computing and printing {@link Digest}s. */
class DigestTest {
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ABC_SHA256 =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String EMPTY_SHA512 =
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
          + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";
  private static final String ABC_SHA512 =
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

  @Test
  void parsesSha256AndRoundTripsThroughToString() {
    Digest digest = Digest.parse("sha256:" + ABC_SHA256);

    assertThat(digest.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
    assertThat(digest.hex()).isEqualTo(ABC_SHA256);
    assertThat(digest).hasToString("sha256:" + ABC_SHA256);
    assertThat(Digest.parse(digest.toString())).isEqualTo(digest);
  }

  @Test
  void parsesSha512AndRoundTripsThroughToString() {
    Digest digest = Digest.parse("sha512:" + ABC_SHA512);

    assertThat(digest.algorithm()).isEqualTo(DigestAlgorithm.SHA512);
    assertThat(digest.hex()).isEqualTo(ABC_SHA512);
    assertThat(digest).hasToString("sha512:" + ABC_SHA512);
    assertThat(Digest.parse(digest.toString())).isEqualTo(digest);
  }

  @Test
  void ofSha256MatchesKnownVectors() {
    assertThat(Digest.sha256(new byte[0])).hasToString("sha256:" + EMPTY_SHA256);
    assertThat(Digest.sha256(ascii("abc"))).hasToString("sha256:" + ABC_SHA256);
    assertThat(Digest.of(DigestAlgorithm.SHA256, ascii("abc")))
        .isEqualTo(Digest.parse("sha256:" + ABC_SHA256));
  }

  @Test
  void ofSha512MatchesKnownVectors() {
    assertThat(Digest.of(DigestAlgorithm.SHA512, new byte[0]))
        .hasToString("sha512:" + EMPTY_SHA512);
    assertThat(Digest.of(DigestAlgorithm.SHA512, ascii("abc"))).hasToString("sha512:" + ABC_SHA512);
  }

  @Test
  void ofAgreesWithMessageDigest() throws Exception {
    byte[] content = new byte[100_000];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31 + 7);
    }
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    String sha512 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(content));

    assertThat(Digest.sha256(content)).isEqualTo(new Digest(DigestAlgorithm.SHA256, sha256));
    assertThat(Digest.of(DigestAlgorithm.SHA512, content))
        .isEqualTo(new Digest(DigestAlgorithm.SHA512, sha512));
  }

  @Test
  void ofFinishedMessageDigestAgreesWithOfBytes() {
    MessageDigest md = DigestAlgorithm.SHA256.newMessageDigest();
    md.update(ascii("a"));
    md.update(ascii("bc"));

    assertThat(Digest.of(DigestAlgorithm.SHA256, md)).isEqualTo(Digest.sha256(ascii("abc")));
  }

  @Test
  void isValidMirrorsParse() {
    assertThat(Digest.isValid("sha256:" + ABC_SHA256)).isTrue();
    assertThat(Digest.isValid("sha512:" + ABC_SHA512)).isTrue();
    assertThat(Digest.isValid("sha256:" + ABC_SHA256.toUpperCase())).isFalse();
    assertThat(Digest.isValid(null)).isFalse();
    assertThat(Digest.isValid("")).isFalse();
  }

  @Test
  void rejectsUppercaseHexWithDigestInvalid() {
    assertDigestInvalid(() -> Digest.parse("sha256:" + ABC_SHA256.toUpperCase()));
    assertDigestInvalid(() -> Digest.parse("sha256:" + "A" + ABC_SHA256.substring(1)));
    assertDigestInvalid(() -> Digest.parse("sha512:" + ABC_SHA512.toUpperCase()));
  }

  @Test
  void rejectsUppercaseAlgorithmWithDigestInvalid() {
    assertDigestInvalid(() -> Digest.parse("SHA256:" + ABC_SHA256));
  }

  @Test
  void rejectsWrongLengthWithDigestInvalid() {
    assertDigestInvalid(() -> Digest.parse("sha256:" + ABC_SHA256.substring(1)));
    assertDigestInvalid(() -> Digest.parse("sha256:" + ABC_SHA256 + "0"));
    assertDigestInvalid(() -> Digest.parse("sha256:"));
    // a sha512 encoding under the sha256 algorithm, and the other way round
    assertDigestInvalid(() -> Digest.parse("sha256:" + ABC_SHA512));
    assertDigestInvalid(() -> Digest.parse("sha512:" + ABC_SHA256));
    assertDigestInvalid(() -> Digest.parse("sha512:" + ABC_SHA512.substring(2)));
  }

  @Test
  void rejectsNonHexCharactersWithDigestInvalid() {
    String base = ABC_SHA256.substring(1);
    for (String c : List.of("g", "z", " ", ":", "-", "/", "é", "\u0660", "\uff41")) {
      assertDigestInvalid(() -> Digest.parse("sha256:" + c + base));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"md5", "sha1", "sha384", "blake3", "sha256+b64u", "sha", "sha-256"})
  void rejectsUnknownAlgorithmWithDigestInvalid(String algorithm) {
    assertDigestInvalid(() -> Digest.parse(algorithm + ":" + ABC_SHA256));
  }

  @ParameterizedTest
  @ValueSource(strings = {ABC_SHA256, "sha256" + ABC_SHA256, "sha256", ":" + ABC_SHA256, ":"})
  void rejectsMissingColonOrAlgorithmWithDigestInvalid(String text) {
    assertDigestInvalid(() -> Digest.parse(text));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void rejectsNullAndEmptyWithDigestInvalid(String text) {
    assertDigestInvalid(() -> Digest.parse(text));
  }

  @Test
  void rejectsSurroundingWhitespaceAndExtraSegmentsWithDigestInvalid() {
    assertDigestInvalid(() -> Digest.parse(" sha256:" + ABC_SHA256));
    assertDigestInvalid(() -> Digest.parse("sha256:" + ABC_SHA256 + "\n"));
    assertDigestInvalid(() -> Digest.parse("sha256:" + ABC_SHA256 + ":" + ABC_SHA256));
    assertDigestInvalid(() -> Digest.parse("sha256::" + ABC_SHA256));
  }

  @Test
  void rejectsVeryLongInputWithDigestInvalidAndShortMessage() {
    String huge = "sha256:" + "a".repeat(1_000_000);
    String hugeAlgorithm = "x".repeat(1_000_000) + ":" + ABC_SHA256;

    for (String text : List.of(huge, hugeAlgorithm)) {
      assertThatThrownBy(() -> Digest.parse(text))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID);
                assertThat(e.getMessage()).hasSizeLessThan(200);
              });
    }
  }

  @Test
  void constructorRejectsInvalidComponentsWithDigestInvalid() {
    assertDigestInvalid(() -> new Digest(null, ABC_SHA256));
    assertDigestInvalid(() -> new Digest(DigestAlgorithm.SHA256, null));
    assertDigestInvalid(() -> new Digest(DigestAlgorithm.SHA256, ABC_SHA256.toUpperCase()));
    assertDigestInvalid(() -> new Digest(DigestAlgorithm.SHA512, ABC_SHA256));
  }

  @Test
  void equalDigestsAreEqualAndOrderedByText() {
    Digest a = Digest.parse("sha256:" + ABC_SHA256);
    Digest b = Digest.parse("sha256:" + EMPTY_SHA256);
    Digest c = Digest.parse("sha512:" + EMPTY_SHA512);

    assertThat(a)
        .isEqualTo(Digest.parse("sha256:" + ABC_SHA256))
        .hasSameHashCodeAs(Digest.parse("sha256:" + ABC_SHA256));
    assertThat(a).isNotEqualTo(b);
    List<Digest> sorted = new ArrayList<>(List.of(c, b, a));
    sorted.sort(null);
    assertThat(sorted).containsExactly(a, b, c);
  }

  @Test
  void algorithmsAreLookedUpByExactId() {
    assertThat(DigestAlgorithm.byId("sha256")).contains(DigestAlgorithm.SHA256);
    assertThat(DigestAlgorithm.byId("sha512")).contains(DigestAlgorithm.SHA512);
    assertThat(DigestAlgorithm.byId("SHA256")).isEmpty();
    assertThat(DigestAlgorithm.byId("")).isEmpty();
    assertThat(DigestAlgorithm.SHA256.hexLength()).isEqualTo(64);
    assertThat(DigestAlgorithm.SHA512.hexLength()).isEqualTo(128);
  }

  private static void assertDigestInvalid(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
