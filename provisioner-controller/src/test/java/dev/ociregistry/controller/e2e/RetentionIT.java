package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /admin/retention} on the shipped rules: "3 tags, 7 days" for provisioning-test. */
class RetentionIT {
  @TempDir Path workDir;

  @Test
  void retentionRemovesTheTagsItsRulesDoNotKeepAndADryRunOnlyListsThem() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir,
            Map.of(
                "REGISTRY_RETENTION_FILE",
                Path.of("../docs/examples/retention.json").toAbsolutePath().toString()))) {
      TestHttp http = new TestHttp(controller.base());
      Path refs = workDir.resolve("data/registry/repositories/provisioning-test/smoke/_refs");
      for (int day = 1; day <= 5; day++) {
        new Pusher(http)
            .image("provisioning-test/smoke", "build-" + day, Artifacts.image("build " + day));
        Files.setLastModifiedTime(
            refs.resolve("build-" + day), FileTime.from(Instant.now().minus(Duration.ofDays(day))));
      }

      JsonNode dry = http.post("/admin/retention?dryRun=true", new byte[0]).expect(200).json();
      assertThat(texts(dry.path("tags_removed")))
          .containsExactlyInAnyOrder(
              "provisioning-test/smoke:build-4", "provisioning-test/smoke:build-5");
      assertThat(dry.path("dry_run").asBoolean()).isTrue();
      assertThat(tags(http)).hasSize(5);

      JsonNode real = http.post("/admin/retention", new byte[0]).expect(200).json();
      assertThat(texts(real.path("tags_removed"))).hasSize(2);
      assertThat(tags(http)).containsExactly("build-1", "build-2", "build-3");
      assertThat(http.post("/admin/retention?dryRun=maybe", new byte[0]).status()).isEqualTo(400);
    }
  }

  private static List<String> tags(TestHttp http) throws Exception {
    return texts(http.get("/v2/provisioning-test/smoke/tags/list").expect(200).json().path("tags"));
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
