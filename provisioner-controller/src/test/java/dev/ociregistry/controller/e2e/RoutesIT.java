package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routes beside {@code /v2}: media, admin, metrics, health; and the registry switched off. */
class RoutesIT {
  /** How long a slow client holds back the rest of a body while the server has not answered. */
  private static final Duration CLIENT_STALL = Duration.ofMillis(300);

  @TempDir Path workDir;

  @Test
  void mediaServesFilesWithRangesAndNeitherListsNorEscapes() throws Exception {
    Path media = Files.createDirectories(workDir.resolve("media/isos"));
    Files.writeString(media.resolve("maintenance.iso"), "0123456789");
    Files.writeString(workDir.resolve("secret.txt"), "not for clients");
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir, Map.of("MEDIA_ROOT", workDir.resolve("media").toString()))) {
      TestHttp http = new TestHttp(controller.base());

      Response whole = http.get("/media/isos/maintenance.iso");
      assertThat(whole.status()).isEqualTo(200);
      assertThat(whole.text()).isEqualTo("0123456789");
      Response part =
          http.send(http.request("/media/isos/maintenance.iso").header("Range", "bytes=2-5").GET());
      assertThat(part.status()).isEqualTo(206);
      assertThat(part.text()).isEqualTo("2345");
      assertThat(part.header("Content-Range")).hasValue("bytes 2-5/10");

      assertThat(http.get("/media/isos/").status()).isIn(403, 404);
      assertThat(http.get("/media/isos/missing.iso").status()).isEqualTo(404);
      for (String escape :
          new String[] {
            "/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/isos/..%2f..%2fsecret.txt"
          }) {
        Response response = http.get(escape);
        assertThat(response.status()).as(escape).isIn(400, 404);
        assertThat(response.text()).as(escape).doesNotContain("not for clients");
      }
    }
  }

  @Test
  void anErrorBeforeTheBodyIsReadLeavesTheConnectionUsableOrSaysItCloses() throws Exception {
    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, Map.of())) {
      URI base = controller.base();
      for (String path :
          new String[] {
            "/api/v1/oci/artifacts", "/no/such/route", "/v2/", "/admin/gc", "/metrics"
          }) {
        try (Socket socket = RawHttp.open(base)) {
          OutputStream out = socket.getOutputStream();
          BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
          byte[] half = new byte[50_000];
          out.write(
              ("PUT "
                      + path
                      + " HTTP/1.1\r\nHost: test\r\nContent-Length: "
                      + 2 * half.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.write(half);
          out.flush();
          // The rest of the body comes late, as from a slow client: once the server has answered
          // without reading it, or after a stall where it waits for the whole body first (both are
          // right). A server that answered early must not leave a connection it is about to close
          // open for reuse.
          Await.within(CLIENT_STALL, () -> ready(in));
          out.write(half);
          out.flush();
          List<String> head = readHead(in);
          assertThat(head.get(0)).as(path).matches("HTTP/1.1 4\\d\\d .*");
          skipBody(in, head);
          if (head.stream().anyMatch(line -> line.equalsIgnoreCase("Connection: close"))) {
            continue;
          }
          out.write(
              "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          assertThat(in.readLine()).as("next request after " + path).startsWith("HTTP/1.1 200");
        }
      }
    }
  }

  private static boolean ready(BufferedReader in) {
    try {
      return in.ready();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> readHead(BufferedReader in) throws IOException {
    List<String> head = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      head.add(line);
    }
    return head;
  }

  private static void skipBody(BufferedReader in, List<String> head) throws IOException {
    long length =
        head.stream()
            .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
            .mapToLong(line -> Long.parseLong(line.substring(15).trim()))
            .findFirst()
            .orElse(0);
    for (long i = 0; i < length; i++) {
      in.read();
    }
  }

  @Test
  void adminGcAnswersItsReportAndDryRunDeletesNothing() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(workDir, Map.of("REGISTRY_GC_GRACE_PERIOD", "0s"))) {
      TestHttp http = new TestHttp(controller.base());
      String orphan =
          new Pusher(http)
              .blob("scratch/orphans", Artifacts.blob(Artifacts.OCI_LAYER, new byte[] {9, 9, 9}))
              .digest();

      JsonNode dry = http.post("/admin/gc?dryRun=true", new byte[0]).json();
      assertThat(dry.get("dry_run").asBoolean()).isTrue();
      assertThat(dry.get("blobs_deleted").asLong()).isEqualTo(1);
      assertThat(dry.get("bytes_freed").asLong()).isEqualTo(3);
      assertThat(http.get("/v2/scratch/orphans/blobs/" + orphan).status()).isEqualTo(200);

      Response real = http.post("/admin/gc", new byte[0]);
      assertThat(real.status()).isEqualTo(200);
      assertThat(real.header("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
      JsonNode report = real.json();
      assertThat(report.get("dry_run").asBoolean()).isFalse();
      assertThat(report.get("blobs_deleted").asLong()).isEqualTo(1);
      assertThat(report.get("manifests_deleted").asLong()).isZero();
      assertThat(report.get("bytes_freed").asLong()).isEqualTo(3);
      assertThat(report.get("duration_ms").asLong()).isNotNegative();
      assertThat(http.get("/v2/scratch/orphans/blobs/" + orphan).status()).isEqualTo(404);

      Response wrongMethod = http.get("/admin/gc");
      assertThat(wrongMethod.status()).isEqualTo(405);
      assertThat(wrongMethod.header("Allow")).hasValue("POST");
      assertThat(wrongMethod.header("Content-Type")).hasValue("application/json");
      assertThat(wrongMethod.text()).contains("method GET is not allowed here");
      assertThat(http.post("/admin/gc?dryRun=maybe", new byte[0]).status()).isEqualTo(400);
      assertThat(http.get("/metrics").text())
          .contains("registry_gc_blobs_deleted_total 1.0")
          .contains("http_requests_total{method=\"POST\",route=\"uploads\",status=\"201\"}");
      assertThat(controller.log()).contains("REGISTRY_GC_GRACE_PERIOD=0s is very short");
    }
  }

  @Test
  void scheduledGcCollectsOrphansOnItsInterval() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir, Map.of("REGISTRY_GC_INTERVAL", "1s", "REGISTRY_GC_GRACE_PERIOD", "1s"))) {
      TestHttp http = new TestHttp(controller.base());
      String orphan =
          new Pusher(http)
              .blob("scratch/orphans", Artifacts.blob(Artifacts.OCI_LAYER, new byte[] {7}))
              .digest();
      String path = "/v2/scratch/orphans/blobs/" + orphan;

      Await.until("the scheduled GC to collect " + orphan, () -> status(http, path) != 200);

      assertThat(http.get(path).status()).as(controller.log()).isEqualTo(404);
    }
  }

  private static int status(TestHttp http, String path) {
    try {
      return http.get(path).status();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void readinessFailsWhenFreeSpaceIsBelowTheThreshold() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(workDir, Map.of("READY_MIN_FREE_SPACE", "1000000TiB"))) {
      TestHttp http = new TestHttp(controller.base());

      assertThat(http.get("/healthz").status()).isEqualTo(200);
      Response ready = http.get("/readyz");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.text()).contains("bytes free");
    }
  }

  @Test
  void withRegistryDisabledOnlyV2AndAdminAreGone() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(workDir, Map.of("ENABLE_REGISTRY", "false"))) {
      TestHttp http = new TestHttp(controller.base());

      assertThat(http.get("/v2/").status()).isEqualTo(404);
      assertThat(http.post("/admin/gc", new byte[0]).status()).isEqualTo(404);
      assertThat(http.get("/api/v1/recipes").status()).isEqualTo(200);
      assertThat(http.get("/healthz").status()).isEqualTo(200);
      assertThat(workDir.resolve("data/registry")).doesNotExist();
    }
  }
}
