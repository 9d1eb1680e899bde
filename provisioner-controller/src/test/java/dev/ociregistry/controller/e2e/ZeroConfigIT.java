package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
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
    try (JarProcess controller = ControllerJar.started(workDir, Map.of())) {
      assertThat(controller.awaitListening()).isEqualTo(8080);
      TestHttp http = new TestHttp(URI.create("http://127.0.0.1:8080"));

      assertThat(http.get("/healthz").status()).isEqualTo(200);
      assertThat(http.get("/readyz").status()).isEqualTo(200);
      assertThat(http.get("/v2/").status()).isEqualTo(200);
      Manifest image = new Pusher(http).image("tools/alpine", "latest", Artifacts.image("alpine"));
      assertThat(http.get("/v2/tools/alpine/manifests/latest").header("Docker-Content-Digest"))
          .hasValue(image.digest());
      assertThat(http.get("/api/v1/recipes").status()).isEqualTo(200);
      assertThat(http.post("/admin/gc", new byte[0]).status()).isEqualTo(200);
      assertThat(http.get("/metrics").text()).contains("jvm_memory_used_bytes");

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
