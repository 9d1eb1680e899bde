package dev.ociregistry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryGlobTest {
  @ParameterizedTest
  @CsvSource({
    "tools/*, tools/jq, true",
    "tools/*, tools/jq/arm64, false",
    "tools/**, tools/jq/arm64, true",
    "tools/**, tools, false",
    "os-?, os-a, true",
    "os-?, os-ab, false",
    "**, anything/at/all, true",
    "a.b/c_d-e, a.b/c_d-e, true",
    "a.b/c_d-e, axb/c_d-e, false",
  })
  void globsMatchAsDocumented(String glob, String repository, boolean matches) {
    assertThat(RepositoryGlob.parse(glob).matches(RepositoryName.parse(repository)))
        .isEqualTo(matches);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Tools/*", "/tools", "tools/***", "tools/[ab]", "tools\\\\x"})
  void whatNoRepositoryNameCouldMatchIsRefused(String glob) {
    assertThatThrownBy(() -> RepositoryGlob.parse(glob))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a repository glob");
  }

  @Test
  void aLongerGlobIsMoreSpecificAndPrintsAsWritten() {
    assertThat(RepositoryGlob.parse("os/private/**").specificity())
        .isGreaterThan(RepositoryGlob.parse("os/**").specificity());
    assertThat(RepositoryGlob.parse("os/**")).hasToString("os/**");
  }
}
