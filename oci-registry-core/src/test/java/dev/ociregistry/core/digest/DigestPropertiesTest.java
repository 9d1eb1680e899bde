package dev.ociregistry.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property tests: exactly the well-formed sha256 and sha512 digests parse. */
class DigestPropertiesTest {
  /** An independent statement of what {@link Digest#parse} accepts. */
  private static final Pattern REFERENCE =
      Pattern.compile("sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}");

  @Property
  void anySha256LowercaseHexParsesAndRoundTrips(@ForAll("sha256Hex") String hex) {
    Digest digest = Digest.parse("sha256:" + hex);

    assertThat(digest.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
    assertThat(digest.hex()).isEqualTo(hex);
    assertThat(digest.toString()).isEqualTo("sha256:" + hex);
    assertThat(Digest.parse(digest.toString())).isEqualTo(digest);
  }

  @Property
  void anySha512LowercaseHexParsesAndRoundTrips(@ForAll("sha512Hex") String hex) {
    Digest digest = Digest.parse("sha512:" + hex);

    assertThat(digest.algorithm()).isEqualTo(DigestAlgorithm.SHA512);
    assertThat(digest.toString()).isEqualTo("sha512:" + hex);
    assertThat(Digest.parse(digest.toString())).isEqualTo(digest);
  }

  @Property
  void nearMissesAreAcceptedExactlyWhenWellFormed(@ForAll("nearMisses") String text) {
    checkAgainstReference(text);
  }

  @Property
  void arbitraryStringsAreAcceptedExactlyWhenWellFormed(@ForAll("arbitrary") String text) {
    checkAgainstReference(text);
  }

  @Property
  void singleCharacterMutationsOfValidDigestsAreRejected(
      @ForAll("sha256Hex") String hex,
      @ForAll("mutationPositions") int position,
      @ForAll("notLowerHex") char replacement) {
    StringBuilder mutated = new StringBuilder("sha256:" + hex);
    mutated.setCharAt(7 + position, replacement);

    assertDigestInvalid(mutated.toString());
  }

  private static void checkAgainstReference(String text) {
    boolean expected = REFERENCE.matcher(text).matches();

    assertThat(Digest.isValid(text)).as("isValid(%s)", text).isEqualTo(expected);
    if (expected) {
      assertThat(Digest.parse(text).toString()).isEqualTo(text);
    } else {
      assertDigestInvalid(text);
    }
  }

  private static void assertDigestInvalid(String text) {
    assertThatThrownBy(() -> Digest.parse(text))
        .as("parse(%s)", text)
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));
  }

  @Provide
  Arbitrary<String> sha256Hex() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
  }

  @Provide
  Arbitrary<String> sha512Hex() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(128);
  }

  @Provide
  Arbitrary<Integer> mutationPositions() {
    return Arbitraries.integers().between(0, 63);
  }

  @Provide
  Arbitrary<Character> notLowerHex() {
    return Arbitraries.chars()
        .all()
        .filter(c -> !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
  }

  /**
   * Strings close to a digest: known and unknown prefixes over hex-like bodies of nearby length.
   */
  @Provide
  Arbitrary<String> nearMisses() {
    Arbitrary<String> prefix =
        Arbitraries.of(
            "sha256:",
            "sha512:",
            "sha256",
            "SHA256:",
            "sha384:",
            "md5:",
            ":",
            "",
            "sha256::",
            " sha256:",
            "sha512:sha256:");
    Arbitrary<String> body =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(60).ofMaxLength(68),
            Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(124).ofMaxLength(132),
            Arbitraries.strings().withChars("0123456789abcdefABCDEFg: ").ofLength(64),
            Arbitraries.strings().withChars("0123456789abcdefABCDEFg: ").ofLength(128));
    return Combinators.combine(prefix, body).as(String::concat);
  }

  /** Any string at all, over both a digest-like alphabet and all of Unicode. */
  @Provide
  Arbitrary<String> arbitrary() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("sha256:0123456789abcdefA").ofMaxLength(140),
        Arbitraries.strings().all().ofMaxLength(300));
  }
}
