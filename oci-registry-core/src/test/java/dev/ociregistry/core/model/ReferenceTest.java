package dev.ociregistry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Manifest references: exactly one of a tag or a digest. */
class ReferenceTest {
  private static final Digest DIGEST = Digest.sha256("hello".getBytes(StandardCharsets.UTF_8));

  @Test
  void parsesTag() {
    Reference reference = Reference.parse("v1.0");

    assertThat(reference.isDigest()).isFalse();
    assertThat(reference.tag()).contains(Tag.parse("v1.0"));
    assertThat(reference.digest()).isEmpty();
    assertThat(reference).hasToString("v1.0");
    assertThat(reference).isEqualTo(Reference.of(Tag.parse("v1.0")));
  }

  @Test
  void parsesDigest() {
    Reference reference = Reference.parse(DIGEST.toString());

    assertThat(reference.isDigest()).isTrue();
    assertThat(reference.digest()).contains(DIGEST);
    assertThat(reference.tag()).isEmpty();
    assertThat(reference).hasToString(DIGEST.toString());
    assertThat(reference).isEqualTo(Reference.of(DIGEST));
  }

  @Test
  void aTagThatLooksLikeHexIsStillATag() {
    Reference reference = Reference.parse(DIGEST.hex());

    assertThat(reference.isDigest()).isFalse();
    assertThat(reference.tag()).contains(Tag.parse(DIGEST.hex()));
  }

  @Test
  void toStringRoundTripsThroughParse() {
    for (String text : new String[] {"latest", "_a.b-c", DIGEST.toString()}) {
      assertThat(Reference.parse(Reference.parse(text).toString()).toString()).isEqualTo(text);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha256:abc",
        "sha256:",
        "latest:",
        ":latest",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        "SHA256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        "sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824"
      })
  void rejectsInvalidDigestsWithDigestInvalid(String text) {
    assertThatThrownBy(() -> Reference.parse(text))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {".latest", "-latest", "a/b", "a@b", "a b"})
  void rejectsInvalidTagsWithManifestInvalid(String text) {
    assertThatThrownBy(() -> Reference.parse(text))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID));
  }

  @Test
  void rejectsTooLongTagWithManifestInvalid() {
    assertThatThrownBy(() -> Reference.parse("a".repeat(129)))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID));
  }

  @Test
  void constructorRequiresExactlyOneOfTagAndDigest() {
    assertThatThrownBy(() -> new Reference(Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Reference(Optional.of(Tag.parse("a")), Optional.of(DIGEST)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
