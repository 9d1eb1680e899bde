package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
    byte[] layer = new byte[LAYER_SIZE];
    new Random(23).nextBytes(layer);
    Map<String, String> env =
        Map.of("LISTEN_ADDR", "127.0.0.1:0", "DATA_DIR", workDir.resolve("data").toString());
    try (ControllerProcess controller = ControllerProcess.start(workDir, env, "64m")) {
      Client client = new Client(controller.base());
      String digest = client.pushBlob("os-images/rootfs", layer);
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(30))
              .build();
      HttpRequest pull =
          client
              .request("/v2/os-images/rootfs/blobs/" + digest)
              .timeout(Duration.ofMinutes(3))
              .GET()
              .build();

      List<CompletableFuture<HttpResponse<InputStream>>> opening = new ArrayList<>();
      for (int i = 0; i < MACHINES; i++) {
        opening.add(http.sendAsync(pull, HttpResponse.BodyHandlers.ofInputStream()));
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
          received.add(readers.submit(() -> digestOf(response.body())));
        }
        for (Future<String> body : received) {
          assertThat(body.get(1, TimeUnit.MINUTES)).isEqualTo(digest);
        }
      } finally {
        readers.shutdownNow();
      }
      assertThat(controller.isAlive()).isTrue();
      assertThat(controller.log()).doesNotContain("OutOfMemoryError").doesNotContain(" WARN ");
    }
  }

  private static String digestOf(InputStream body) throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    try (body) {
      byte[] buffer = new byte[64 * 1024];
      int read;
      while ((read = body.read(buffer)) >= 0) {
        sha256.update(buffer, 0, read);
      }
    }
    return "sha256:" + HexFormat.of().formatHex(sha256.digest());
  }
}
