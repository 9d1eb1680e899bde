package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar provisioner-controller.jar} with no configuration at all: port 8080, storage
 * under {@code ./data}, no authentication; SIGTERM stops it cleanly.
 */
class ZeroConfigIT {
  @TempDir Path workDir;

  @Test
  void startsWithNoConfigurationServesEveryRouteAndStopsOnSigterm() throws Exception {
    try (ControllerProcess controller = ControllerProcess.started(workDir, Map.of())) {
      assertThat(controller.awaitListening()).isEqualTo(8080);
      Client client = new Client(URI.create("http://127.0.0.1:8080"));

      assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(client.get("/readyz").statusCode()).isEqualTo(200);
      assertThat(client.get("/v2/").statusCode()).isEqualTo(200);
      String digest =
          client.pushImage("tools/alpine", "latest", "{}".getBytes(), new byte[] {1, 2});
      assertThat(
              client
                  .get("/v2/tools/alpine/manifests/latest")
                  .headers()
                  .firstValue("Docker-Content-Digest"))
          .hasValue(digest);
      assertThat(client.get("/api/v1/recipes").statusCode()).isEqualTo(200);
      assertThat(client.post("/admin/gc").statusCode()).isEqualTo(200);
      assertThat(client.get("/metrics").body()).contains("jvm_memory_used_bytes");

      assertThat(workDir.resolve("data/registry/oci-layout")).exists();
      assertThat(Files.readString(workDir.resolve("data/registry/index.json")))
          .contains("tools/alpine:latest");
      assertThat(workDir.resolve("data/media")).isDirectory();

      controller.terminate();
      assertThat(controller.awaitExit(Duration.ofSeconds(40))).isIn(0, 143);
      assertThat(controller.log()).contains("stopped");
    }
  }
}
