package dev.ociregistry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property tests of {@link Tag} against an independent statement of the tag grammar. */
class TagPropertiesTest {
  private static final String FIRST =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
  private static final String REST = FIRST + ".-";

  /** The grammar {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}, checked character by character. */
  private static boolean reference(String text) {
    if (text.isEmpty() || text.length() > 128) {
      return false;
    }
    if (FIRST.indexOf(text.charAt(0)) < 0) {
      return false;
    }
    for (int i = 1; i < text.length(); i++) {
      if (REST.indexOf(text.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  @Property
  void tagsBuiltFromTheGrammarAreAcceptedAndRoundTrip(@ForAll("grammarTags") String text) {
    Tag tag = Tag.parse(text);

    assertThat(tag.value()).isEqualTo(text);
    assertThat(Tag.parse(tag.toString())).isEqualTo(tag);
  }

  @Property
  void arbitraryStringsAreAcceptedExactlyAsTheGrammarSays(@ForAll("candidates") String text) {
    boolean expected = reference(text);

    assertThat(Tag.isValid(text)).as("isValid(%s)", text).isEqualTo(expected);
    if (expected) {
      assertThat(Tag.parse(text).value()).isEqualTo(text);
    } else {
      assertThatThrownBy(() -> Tag.parse(text))
          .as("parse(%s)", text)
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID));
    }
  }

  @Provide
  Arbitrary<String> grammarTags() {
    Arbitrary<Character> first = Arbitraries.of(chars(FIRST));
    Arbitrary<String> rest = Arbitraries.strings().withChars(REST).ofMaxLength(127);
    return Combinators.combine(first, rest).as((c, s) -> c + s);
  }

  @Provide
  Arbitrary<String> candidates() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("aZ0_.-/:@ ").ofMaxLength(10),
        Arbitraries.strings().withChars("a_.-").ofMinLength(125).ofMaxLength(132),
        Arbitraries.strings().all().ofMaxLength(20),
        grammarTags());
  }

  private static Character[] chars(String text) {
    return text.chars().mapToObj(c -> (char) c).toArray(Character[]::new);
  }
}
