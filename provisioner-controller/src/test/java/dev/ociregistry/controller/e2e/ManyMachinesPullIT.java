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
 * server spends on a download while its socket is full; all must then arrive whole. And many
 * machines reading at full speed at once all get the whole layer, and the server goes on serving.
 */
class ManyMachinesPullIT {
  private static final int MACHINES = 180;
  private static final int LAYER_SIZE = 24 * 1024 * 1024;
  private static final int FAST_MACHINES = 48;
  private static final int FAST_LAYER_SIZE = 200 * 1024 * 1024;

  @TempDir Path workDir;

  @Test
  void manyConcurrentPullsOfOneLayerAllArriveWholeThroughA64MiBHeap() throws Exception {
    Blob layer = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(LAYER_SIZE, 23));
    try (JarProcess controller = ControllerJar.start(workDir, env(), "64m")) {
      TestHttp http = new TestHttp(controller.base());
      HttpRequest.Builder pull = pushedForPulls(http, "os-images/rootfs", layer);

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

  /**
   * Jetty's minimum data rate once failed every request after the server had sent 8.6 GiB in all,
   * and the server then answered nothing: the machines here read 9.4 GiB, each as fast as it can,
   * on a thread of its own.
   */
  @Test
  void manyMachinesReadingAtOnceAllGetTheWholeLayerAndTheServerGoesOnServing() throws Exception {
    Blob layer = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(FAST_LAYER_SIZE, 29));
    try (JarProcess controller = ControllerJar.start(workDir, env())) {
      TestHttp http = new TestHttp(controller.base());
      HttpRequest.Builder pull = pushedForPulls(http, "os-images/wim", layer);
      ExecutorService machines = Executors.newFixedThreadPool(FAST_MACHINES);
      try {
        List<Future<String>> received = new ArrayList<>();
        for (int i = 0; i < FAST_MACHINES; i++) {
          received.add(
              machines.submit(
                  () -> {
                    HttpResponse<InputStream> response = http.stream(pull);
                    try (InputStream body = response.body()) {
                      assertThat(response.statusCode()).isEqualTo(200);
                      return Digests.sha256(body);
                    }
                  }));
        }
        for (Future<String> body : received) {
          assertThat(body.get(2, TimeUnit.MINUTES)).isEqualTo(layer.digest());
        }
      } finally {
        machines.shutdownNow();
      }
      assertThat(http.send(http.request("/v2/").timeout(Duration.ofSeconds(10))).status())
          .isEqualTo(200);
    }
  }

  private Map<String, String> env() {
    return ControllerJar.onAFreePort(Map.of("DATA_DIR", workDir.resolve("data").toString()));
  }

  /** Pushes {@code layer} to {@code repository}; the request a machine pulls it with. */
  private static HttpRequest.Builder pushedForPulls(TestHttp http, String repository, Blob layer)
      throws Exception {
    new Pusher(http).blob(repository, layer);
    return http.request("/v2/" + repository + "/blobs/" + layer.digest())
        .timeout(Duration.ofMinutes(3))
        .GET();
  }
}
