package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The integrity scrub through the jar: a blob damaged on disk is found, moved to quarantine, named
 * in the report, the metric and the audit log, and pulls answer 404 rather than the wrong bytes; a
 * second scrub is refused while one runs; the schedule finds damage on its own.
 */
class ScrubIT {
  @TempDir Path workDir;

  private Path blobFile(String digest) {
    return workDir.resolve("data/registry/blobs/sha256/" + digest.substring("sha256:".length()));
  }

  private void damage(String digest) throws IOException {
    byte[] content = Files.readAllBytes(blobFile(digest));
    content[0] ^= 0x20;
    Files.write(blobFile(digest), content);
  }

  private static JsonNode awaitIdle(TestHttp http) {
    return Await.value(
        "the scrub to finish",
        Duration.ofSeconds(60),
        () -> {
          try {
            JsonNode status = http.get("/admin/scrub").expect(200).json();
            return status.get("state").asText().equals("idle") && status.has("last")
                ? Optional.of(status)
                : Optional.empty();
          } catch (IOException e) {
            return Optional.empty();
          }
        });
  }

  @Test
  void aDamagedBlobIsQuarantinedReportedAndNoLongerServed() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir,
            Map.of(
                "DATA_DIR", workDir.resolve("data").toString(),
                "REGISTRY_SCRUB_RATE", "1MiB",
                "REGISTRY_ENABLE_AUDIT_LOG", "true"))) {
      TestHttp http = new TestHttp(controller.base());
      Pusher push = new Pusher(http);
      Blob intact = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(1 << 20, 1));
      Blob damaged = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(1 << 20, 2));
      push.blob("os/wim", intact);
      push.blob("os/wim", damaged);
      damage(damaged.digest());
      assertThat(http.get("/admin/scrub").expect(200).json().get("state").asText())
          .isEqualTo("idle");

      assertThat(http.post("/admin/scrub", new byte[0]).expect(202).json().get("state").asText())
          .isEqualTo("running");
      assertThat(http.post("/admin/scrub", new byte[0]).status())
          .as("2 MiB at 1 MiB/s: still running")
          .isEqualTo(409);
      JsonNode status = awaitIdle(http);

      assertThat(status.at("/last/blobs_checked").asLong()).isEqualTo(2);
      assertThat(status.at("/last/bytes_checked").asLong()).isEqualTo(2L << 20);
      assertThat(status.at("/last/quarantined").get(0).asText()).isEqualTo(damaged.digest());
      assertThat(status.at("/last/quarantined")).hasSize(1);
      assertThat(status.at("/last/duration_ms").asLong()).isGreaterThanOrEqualTo(1900);
      assertThat(http.get("/v2/os/wim/blobs/" + damaged.digest()).status()).isEqualTo(404);
      assertThat(http.head("/v2/os/wim/blobs/" + damaged.digest()).status()).isEqualTo(404);
      assertThat(http.get("/v2/os/wim/blobs/" + intact.digest()).expect(200).body())
          .isEqualTo(intact.content());
      assertThat(
              workDir.resolve("data/registry/quarantine/sha256/" + damaged.digest().substring(7)))
          .exists();
      Scrape scrape = Scrape.of(http);
      assertThat(scrape.value("registry_scrub_quarantined_total")).isEqualTo(1);
      assertThat(scrape.value("registry_scrub_checked_bytes_total")).isEqualTo(2 << 20);
      assertThat(scrape.value("registry_blob_count")).isEqualTo(1);
      assertThat(Files.readString(workDir.resolve("data/audit.log")))
          .contains("\"scrub\"")
          .contains(damaged.digest());
      assertThat(controller.log()).contains("does not match its digest");

      push.blob("os/wim", damaged);
      assertThat(http.get("/v2/os/wim/blobs/" + damaged.digest()).expect(200).body())
          .as("pushed again, whole")
          .isEqualTo(damaged.content());
    }
  }

  @Test
  void theScheduledScrubFindsDamageOnItsOwn() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir,
            Map.of(
                "DATA_DIR", workDir.resolve("data").toString(), "REGISTRY_SCRUB_INTERVAL", "1s"))) {
      TestHttp http = new TestHttp(controller.base());
      Blob blob = Artifacts.layer("silently damaged");
      new Pusher(http).blob("os/rootfs", blob);
      damage(blob.digest());

      Await.until(
          "the scheduled scrub to quarantine it",
          Duration.ofSeconds(30),
          () -> !Files.exists(blobFile(blob.digest())));
      assertThat(http.get("/v2/os/rootfs/blobs/" + blob.digest()).status()).isEqualTo(404);
      assertThat(controller.log()).contains("scrub every 1s");
    }
  }
}
