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

/** The distribution-spec repository name grammar, as {@link RepositoryName} enforces it. */
class RepositoryNameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "0",
        "library",
        "os-images/ubuntu-rootfs",
        "a__b",
        "a_b",
        "a.b",
        "a-b",
        "a---b",
        "a/b/c/d/e",
        "org/team.one/project_x/sub--module/image-2",
        "0a/1b",
        "a.b.c_d__e-f"
      })
  void acceptsValidNames(String text) {
    RepositoryName name = RepositoryName.parse(text);

    assertThat(name.value()).isEqualTo(text);
    assertThat(name).hasToString(text);
    assertThat(RepositoryName.isValid(text)).isTrue();
    assertThat(new RepositoryName(text)).isEqualTo(name);
  }

  @Test
  void acceptsExactlyMaxLength() {
    String text = "a".repeat(127) + "/" + "b".repeat(127);
    assertThat(text).hasSize(RepositoryName.MAX_LENGTH);

    assertThat(RepositoryName.parse(text).value()).isEqualTo(text);
    assertThat(RepositoryName.MAX_LENGTH).isEqualTo(255);
  }

  @Test
  void rejectsOneOverMaxLengthWithNameInvalid() {
    assertNameInvalid("a".repeat(256));
    assertNameInvalid("a".repeat(128) + "/" + "b".repeat(127));
  }

  @Test
  void rejectsVeryLongNameQuicklyWithNameInvalidAndShortMessage() {
    String text = "a-".repeat(500_000) + "!";
    assertThatThrownBy(() -> RepositoryName.parse(text))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.NAME_INVALID);
              assertThat(e.getMessage()).hasSizeLessThan(200);
            });
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "A",
        "Library",
        "a/B",
        "_a",
        "a_",
        "-a",
        "a-",
        ".a",
        "a.",
        "a/_refs",
        "a/_uploads",
        "_refs",
        "a//b",
        "a/",
        "/a",
        "/",
        ".",
        "..",
        "a/..",
        "a/.",
        "../a",
        "a/../b",
        "a___b",
        "a.-b",
        "a-.b",
        "a..b",
        "a._b",
        "a_-b",
        "a b",
        " a",
        "a\n",
        "a\\b",
        "a:b",
        "a@b",
        "a%2fb",
        "é",
        "a\u0000b"
      })
  void rejectsInvalidNamesWithNameInvalid(String text) {
    assertThat(RepositoryName.isValid(text)).isFalse();
    assertNameInvalid(text);
  }

  @Test
  void componentsSplitOnSlash() {
    assertThat(RepositoryName.parse("a").components()).containsExactly("a");
    assertThat(RepositoryName.parse("os-images/ubuntu-rootfs").components())
        .containsExactly("os-images", "ubuntu-rootfs");
    assertThat(RepositoryName.parse("a/b.c/d__e/f-g/h").components())
        .containsExactly("a", "b.c", "d__e", "f-g", "h");
  }

  @Test
  void componentsAreUnmodifiable() {
    List<String> components = RepositoryName.parse("a/b").components();

    assertThatThrownBy(() -> components.add("c")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void componentsOfNestedNameJoinBackToTheName() {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      parts.add("level" + i);
    }
    String text = String.join("/", parts);

    RepositoryName name = RepositoryName.parse(text);

    assertThat(name.components()).containsExactlyElementsOf(parts);
    assertThat(String.join("/", name.components())).isEqualTo(text);
  }

  @Test
  void isWithinMatchesItselfAndDescendantsOnly() {
    RepositoryName name = RepositoryName.parse("team/app/web");

    assertThat(name.isWithin("team/app/web")).isTrue();
    assertThat(name.isWithin("team/app")).isTrue();
    assertThat(name.isWithin("team")).isTrue();
    assertThat(name.isWithin("tea")).isFalse();
    assertThat(name.isWithin("team/ap")).isFalse();
    assertThat(name.isWithin("team/app/we")).isFalse();
    assertThat(name.isWithin("team/app/web/more")).isFalse();
    assertThat(name.isWithin("other")).isFalse();
    assertThat(RepositoryName.parse("teams").isWithin("team")).isFalse();
    assertThat(RepositoryName.parse("team-x/app").isWithin("team")).isFalse();
  }

  @Test
  void namesCompareLexically() {
    List<RepositoryName> names =
        new ArrayList<>(
            List.of(
                RepositoryName.parse("b"),
                RepositoryName.parse("a/b"),
                RepositoryName.parse("a"),
                RepositoryName.parse("a-b")));
    names.sort(null);

    assertThat(names).extracting(RepositoryName::value).containsExactly("a", "a-b", "a/b", "b");
  }

  private static void assertNameInvalid(String text) {
    assertThatThrownBy(() -> RepositoryName.parse(text))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_INVALID));
    assertThatThrownBy(() -> new RepositoryName(text))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_INVALID));
  }
}
