package dev.ociregistry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property tests of {@link RepositoryName} against the grammar as the spec writes it. */
class RepositoryNamePropertiesTest {
  /** The distribution-spec v1.1.0 name regular expression, copied verbatim. */
  private static final Pattern SPEC_GRAMMAR =
      Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");

  private static boolean reference(String text) {
    return text.length() <= 255 && SPEC_GRAMMAR.matcher(text).matches();
  }

  @Property
  void namesBuiltFromTheGrammarAreAcceptedUpToMaxLength(@ForAll("grammarNames") String text) {
    boolean expected = text.length() <= 255;

    assertThat(RepositoryName.isValid(text)).as("isValid(%s)", text).isEqualTo(expected);
    if (expected) {
      RepositoryName name = RepositoryName.parse(text);
      assertThat(name.toString()).isEqualTo(text);
      assertThat(String.join("/", name.components())).isEqualTo(text);
    } else {
      assertNameInvalid(text);
    }
  }

  @Property
  void arbitraryStringsAreAcceptedExactlyAsTheSpecGrammarSays(
      @ForAll("smallAlphabetStrings") String text) {
    boolean expected = reference(text);

    assertThat(RepositoryName.isValid(text)).as("isValid(%s)", text).isEqualTo(expected);
    if (expected) {
      assertThat(RepositoryName.parse(text).value()).isEqualTo(text);
    } else {
      assertNameInvalid(text);
    }
  }

  @Property
  void acceptedNamesHaveNoComponentThatIsEmptyDotOrUnderscorePrefixed(
      @ForAll("smallAlphabetStrings") String text) {
    // Only the accepted names are checked; jqwik fails the property when too few of them come up.
    Assume.that(RepositoryName.isValid(text));
    for (String component : RepositoryName.parse(text).components()) {
      assertThat(component).isNotEmpty().isNotIn(".", "..").doesNotStartWith("_");
      assertThat(component).doesNotStartWith(".").doesNotStartWith("-");
    }
  }

  @Property
  void anyComponentPrefixedWithUnderscoreIsRejected(
      @ForAll("grammarComponents") String parent, @ForAll("grammarComponents") String child) {
    assertNameInvalid(parent + "/_" + child);
    assertNameInvalid("_" + parent);
  }

  private static void assertNameInvalid(String text) {
    assertThatThrownBy(() -> RepositoryName.parse(text))
        .as("parse(%s)", text)
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_INVALID));
  }

  @Provide
  Arbitrary<String> grammarComponents() {
    Arbitrary<String> alnum =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyz0123456789")
            .ofMinLength(1)
            .ofMaxLength(8);
    Arbitrary<String> separator =
        Arbitraries.oneOf(
            Arbitraries.of(".", "_", "__"), Arbitraries.integers().between(1, 4).map("-"::repeat));
    Arbitrary<String> tail =
        Combinators.combine(separator, alnum)
            .as(String::concat)
            .list()
            .ofMaxSize(4)
            .map(parts -> String.join("", parts));
    return Combinators.combine(alnum, tail).as(String::concat);
  }

  /** Names built from components and separators as the grammar allows, some longer than 255. */
  @Provide
  Arbitrary<String> grammarNames() {
    return grammarComponents()
        .list()
        .ofMinSize(1)
        .ofMaxSize(6)
        .map(RepositoryNamePropertiesTest::join);
  }

  /** Strings over a small alphabet where separators and case matter. */
  @Provide
  Arbitrary<String> smallAlphabetStrings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("/._-Aa0").ofMaxLength(12),
        Arbitraries.strings().withChars("/._-a0").ofMaxLength(12),
        Arbitraries.strings().withChars("/._-Aa0").ofMinLength(250).ofMaxLength(260),
        Arbitraries.strings().withChars("a0").ofMinLength(250).ofMaxLength(260),
        grammarNames());
  }

  private static String join(List<String> components) {
    return String.join("/", components);
  }
}
