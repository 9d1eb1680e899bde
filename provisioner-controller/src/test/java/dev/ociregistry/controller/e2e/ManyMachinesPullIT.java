package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rack being provisioned: many machines pull the same image layer at once from a controller with
 * a 64 MiB heap. Every download is opened before any is read, so that each one holds whatever the
 * server spends on a download while its socket is full; all must then arrive whole.
 */
class ManyMachinesPullIT {
  private static final int MACHINES = 180;
  private static final int LAYER_SIZE = 24 * 1024 * 1024;

  @TempDir Path workDir;

  @Test
  void manyConcurrentPullsOfOneLayerAllArriveWholeThroughA64MiBHeap() throws Exception {
    Blob layer = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(LAYER_SIZE, 23));
    Map<String, String> env =
        ControllerJar.onAFreePort(Map.of("DATA_DIR", workDir.resolve("data").toString()));
    try (JarProcess controller = ControllerJar.start(workDir, env, "64m")) {
      TestHttp http = new TestHttp(controller.base());
      new Pusher(http).blob("os-images/rootfs", layer);
      HttpRequest.Builder pull =
          http.request("/v2/os-images/rootfs/blobs/" + layer.digest())
              .timeout(Duration.ofMinutes(3))
              .GET();

      List<CompletableFuture<HttpResponse<InputStream>>> opening = new ArrayList<>();
      for (int i = 0; i < MACHINES; i++) {
        opening.add(http.streamAsync(pull));
      }
      List<HttpResponse<InputStream>> opened = new ArrayList<>();
      for (CompletableFuture<HttpResponse<InputStream>> response : opening) {
        opened.add(response.get(1, TimeUnit.MINUTES));
      }
      assertThat(opened).allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(200));

      ExecutorService readers = Executors.newFixedThreadPool(8);
      try {
        List<Future<String>> received = new ArrayList<>();
        for (HttpResponse<InputStream> response : opened) {
          received.add(
              readers.submit(
                  () -> {
                    try (InputStream body = response.body()) {
                      return Digests.sha256(body);
                    }
                  }));
        }
        for (Future<String> body : received) {
          assertThat(body.get(1, TimeUnit.MINUTES)).isEqualTo(layer.digest());
        }
      } finally {
        readers.shutdownNow();
      }
      assertThat(controller.isAlive()).isTrue();
      assertThat(controller.log()).doesNotContain("OutOfMemoryError").doesNotContain(" WARN ");
    }
  }
}
