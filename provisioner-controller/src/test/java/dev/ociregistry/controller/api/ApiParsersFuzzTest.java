package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The provisioning API's parsers, fuzzed: a body, a recipe, an {@code oci_url} or a job id is
 * either read or refused with the API's own error (a 4xx), never another exception. Replays the
 * committed inputs in a normal build.
 */
class ApiParsersFuzzTest {
  /** How long each target is fuzzed with {@code JAZZER_FUZZ=1}; a normal build only replays. */
  private static final String FUZZ_DURATION = "2m";

  @FuzzTest(maxDuration = FUZZ_DURATION)
  void recipeBodiesParseOrAreRefusedAsBadRequests(byte[] body) {
    ObjectNode object;
    try {
      object = ApiJson.parseObject(body);
    } catch (ApiException refused) {
      assertThat(refused.status()).isEqualTo(400);
      return;
    }
    try {
      Recipe recipe = RecipeParser.parse(object, Optional.empty());
      assertThat(recipe.name()).isNotBlank();
    } catch (ApiException refused) {
      assertThat(refused.status()).isBetween(400, 499);
    }
  }

  @FuzzTest(maxDuration = FUZZ_DURATION)
  void ociUrlsAndJobIdsParseOrAreRefused(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    try {
      OciUrl url = OciUrl.parse(text);
      assertThat(url).isNotNull();
    } catch (ApiException refused) {
      assertThat(refused.status()).isBetween(400, 499);
    }
    JobStore.parseId(text).ifPresent(id -> assertThat(id.toString()).isEqualTo(text));
    JobState.fromWireName(text).ifPresent(state -> assertThat(state).isNotNull());
  }
}
