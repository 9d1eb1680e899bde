package dev.ociregistry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The distribution-spec tag grammar, as {@link Tag} enforces it. */
class TagTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "latest",
        "a",
        "A",
        "0",
        "_",
        "_x",
        "22.04",
        "v1.2.3-rc.1",
        "sha256-abc.sig",
        "UPPER_lower-0.9",
        "a..b",
        "a--",
        "x.",
        "__"
      })
  void acceptsValidTags(String text) {
    Tag tag = Tag.parse(text);

    assertThat(tag.value()).isEqualTo(text);
    assertThat(tag).hasToString(text);
    assertThat(Tag.isValid(text)).isTrue();
    assertThat(new Tag(text)).isEqualTo(tag);
  }

  @Test
  void accepts128Characters() {
    String text = "a".repeat(128);

    assertThat(Tag.parse(text).value()).isEqualTo(text);
    assertThat(Tag.parse("_" + "-".repeat(127)).value()).hasSize(128);
    assertThat(Tag.MAX_LENGTH).isEqualTo(128);
  }

  @Test
  void rejects129CharactersWithManifestInvalid() {
    assertManifestInvalid("a".repeat(129));
    assertManifestInvalid("_" + ".".repeat(128));
  }

  @Test
  void rejectsVeryLongTagWithManifestInvalidAndShortMessage() {
    String text = "a".repeat(1_000_000);

    assertThatThrownBy(() -> Tag.parse(text))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID);
              assertThat(e.getMessage()).hasSizeLessThan(300);
            });
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        ".x", "-x", ".", "..", "-", "a/b", "/a", "a/", "a:b", "a@b", "a b", " a", "a\n", "a\\b",
        "a+b", "é", "a\u0000"
      })
  void rejectsInvalidTagsWithManifestInvalid(String text) {
    assertThat(Tag.isValid(text)).isFalse();
    assertManifestInvalid(text);
  }

  @Test
  void tagsCompareLexically() {
    List<Tag> tags =
        new ArrayList<>(List.of(Tag.parse("b"), Tag.parse("a1"), Tag.parse("B"), Tag.parse("a")));
    tags.sort(null);

    assertThat(tags).extracting(Tag::value).containsExactly("B", "a", "a1", "b");
  }

  private static void assertManifestInvalid(String text) {
    assertThatThrownBy(() -> Tag.parse(text))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID));
    assertThatThrownBy(() -> new Tag(text))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID));
  }
}
