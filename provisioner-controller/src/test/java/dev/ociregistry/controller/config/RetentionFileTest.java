package dev.ociregistry.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.retention.RetentionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetentionFileTest {
  @TempDir Path dir;

  @Test
  void theShippedExampleGivesEachNamespaceItsRule() throws Exception {
    RetentionPolicy policy = RetentionFile.read(Path.of("../docs/examples/retention.json"));

    RetentionPolicy.Rule test = policy.ruleFor(RepositoryName.parse("provisioning-test/a")).get();
    assertThat(test.keepNewest()).hasValue(3);
    assertThat(test.maxAge()).contains(Duration.ofDays(7));
    RetentionPolicy.Rule platform =
        policy.ruleFor(RepositoryName.parse("provisioning-platform/orchestrator")).get();
    assertThat(platform.keepNewest()).hasValue(5);
    assertThat(platform.maxAge()).contains(Duration.ofDays(30));
    assertThat(platform.alwaysKeep()).hasSize(2);
    assertThat(policy.ruleFor(RepositoryName.parse("provisioning-kcl/x")).get().keepNewest())
        .hasValue(20);
    assertThat(policy.ruleFor(RepositoryName.parse("provisioning-extensions/x")).get().maxAge())
        .contains(Duration.ofDays(90));
    assertThat(policy.ruleFor(RepositoryName.parse("elsewhere/x"))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"rules\": [{\"repositories\": \"Bad Glob\", \"keepNewest\": 1}]} | rules[0].repositories",
        "{\"rules\": [{\"repositories\": \"a/**\", \"keepNewest\": -1}]} | rules[0].keepNewest must be",
        "{\"rules\": [{\"repositories\": \"a/**\", \"maxAge\": \"soon\"}]} | rules[0].maxAge must be",
        "{\"rules\": [{\"repositories\": \"a/**\"}]} | rules[0] needs keepNewest, maxAge or both",
        "{\"rules\": [{\"repositories\": \"a/**\", \"keep\": 3}]} | rules[0]: unknown field \"keep\"",
        "{\"rules\": [{\"repositories\": \"a/**\", \"maxAge\": \"1d\", \"alwaysKeep\": [1]}]} | alwaysKeep must be",
        "{\"policies\": []} | must be {\"rules\": [...]}",
        "{\"rules\": [ | not JSON",
      })
  void aBadFileStopsStartUpNamingTheRuleAndField(String content, String message) throws Exception {
    Path file = Files.writeString(dir.resolve("retention.json"), content);

    assertThatThrownBy(() -> RetentionFile.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("REGISTRY_RETENTION_FILE")
        .hasMessageContaining(message);
  }
}
