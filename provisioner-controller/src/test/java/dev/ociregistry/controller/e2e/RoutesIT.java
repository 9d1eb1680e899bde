package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path workDir;

  @Test
  void mediaServesFilesWithRangesAndNeitherListsNorEscapes() throws Exception {
    Path media = Files.createDirectories(workDir.resolve("media/isos"));
    Files.writeString(media.resolve("maintenance.iso"), "0123456789");
    Files.writeString(workDir.resolve("secret.txt"), "not for clients");
    try (ControllerProcess controller =
        ControllerProcess.started(
            workDir,
            Map.of(
                "LISTEN_ADDR", "127.0.0.1:0", "MEDIA_ROOT", workDir.resolve("media").toString()))) {
      Client client = new Client(controller.base());

      HttpResponse<String> whole = client.get("/media/isos/maintenance.iso");
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.body()).isEqualTo("0123456789");
      HttpResponse<String> part =
          client.send(
              client.request("/media/isos/maintenance.iso").header("Range", "bytes=2-5").GET());
      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.body()).isEqualTo("2345");
      assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 2-5/10");

      assertThat(client.get("/media/isos/").statusCode()).isIn(403, 404);
      assertThat(client.get("/media/isos/missing.iso").statusCode()).isEqualTo(404);
      for (String escape :
          new String[] {
            "/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/isos/..%2f..%2fsecret.txt"
          }) {
        HttpResponse<String> response = client.get(escape);
        assertThat(response.statusCode()).as(escape).isIn(400, 404);
        assertThat(response.body()).as(escape).doesNotContain("not for clients");
      }
    }
  }

  @Test
  void anErrorBeforeTheBodyIsReadLeavesTheConnectionUsableOrSaysItCloses() throws Exception {
    try (ControllerProcess controller =
        ControllerProcess.started(workDir, Map.of("LISTEN_ADDR", "127.0.0.1:0"))) {
      URI base = controller.base();
      for (String path :
          new String[] {
            "/api/v1/oci/artifacts", "/no/such/route", "/v2/", "/admin/gc", "/metrics"
          }) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
          socket.setSoTimeout(10_000);
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
          // The rest of the body comes late, as from a slow client: a server that answered
          // without reading it must not leave a connection it is about to close open for reuse.
          Thread.sleep(300);
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

  private static List<String> readHead(BufferedReader in) throws Exception {
    List<String> head = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      head.add(line);
    }
    return head;
  }

  private static void skipBody(BufferedReader in, List<String> head) throws Exception {
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
    try (ControllerProcess controller =
        ControllerProcess.started(
            workDir, Map.of("LISTEN_ADDR", "127.0.0.1:0", "REGISTRY_GC_GRACE_PERIOD", "0s"))) {
      Client client = new Client(controller.base());
      String orphan = client.pushBlob("scratch/orphans", new byte[] {9, 9, 9});

      JsonNode dry = JSON.readTree(client.post("/admin/gc?dryRun=true").body());
      assertThat(dry.get("dry_run").asBoolean()).isTrue();
      assertThat(dry.get("blobs_deleted").asLong()).isEqualTo(1);
      assertThat(dry.get("bytes_freed").asLong()).isEqualTo(3);
      assertThat(client.get("/v2/scratch/orphans/blobs/" + orphan).statusCode()).isEqualTo(200);

      HttpResponse<String> real = client.post("/admin/gc");
      assertThat(real.statusCode()).isEqualTo(200);
      assertThat(real.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
      JsonNode report = JSON.readTree(real.body());
      assertThat(report.get("dry_run").asBoolean()).isFalse();
      assertThat(report.get("blobs_deleted").asLong()).isEqualTo(1);
      assertThat(report.get("manifests_deleted").asLong()).isZero();
      assertThat(report.get("bytes_freed").asLong()).isEqualTo(3);
      assertThat(report.get("duration_ms").asLong()).isNotNegative();
      assertThat(client.get("/v2/scratch/orphans/blobs/" + orphan).statusCode()).isEqualTo(404);

      HttpResponse<String> wrongMethod = client.get("/admin/gc");
      assertThat(wrongMethod.statusCode()).isEqualTo(405);
      assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
      assertThat(wrongMethod.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(wrongMethod.body()).contains("method GET is not allowed here");
      assertThat(client.post("/admin/gc?dryRun=maybe").statusCode()).isEqualTo(400);
      assertThat(client.get("/metrics").body())
          .contains("registry_gc_blobs_deleted_total 1.0")
          .contains(
              "registry_http_requests_seconds_count{method=\"POST\",route=\"uploads\",status=\"201\"}");
      assertThat(controller.log()).contains("REGISTRY_GC_GRACE_PERIOD=0s is very short");
    }
  }

  @Test
  void scheduledGcCollectsOrphansOnItsInterval() throws Exception {
    try (ControllerProcess controller =
        ControllerProcess.started(
            workDir,
            Map.of(
                "LISTEN_ADDR", "127.0.0.1:0",
                "REGISTRY_GC_INTERVAL", "1s",
                "REGISTRY_GC_GRACE_PERIOD", "1s"))) {
      Client client = new Client(controller.base());
      String orphan = client.pushBlob("scratch/orphans", new byte[] {7});
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int status = 200;
      while (status == 200 && System.nanoTime() < deadline) {
        Thread.sleep(250);
        status = client.get("/v2/scratch/orphans/blobs/" + orphan).statusCode();
      }
      assertThat(status).as(controller.log()).isEqualTo(404);
    }
  }

  @Test
  void readinessFailsWhenFreeSpaceIsBelowTheThreshold() throws Exception {
    try (ControllerProcess controller =
        ControllerProcess.started(
            workDir, Map.of("LISTEN_ADDR", "127.0.0.1:0", "READY_MIN_FREE_SPACE", "1000000TiB"))) {
      Client client = new Client(controller.base());

      assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = client.get("/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("bytes free");
    }
  }

  @Test
  void withRegistryDisabledOnlyV2AndAdminAreGone() throws Exception {
    try (ControllerProcess controller =
        ControllerProcess.started(
            workDir, Map.of("LISTEN_ADDR", "127.0.0.1:0", "ENABLE_REGISTRY", "false"))) {
      Client client = new Client(controller.base());

      assertThat(client.get("/v2/").statusCode()).isEqualTo(404);
      assertThat(client.post("/admin/gc").statusCode()).isEqualTo(404);
      assertThat(client.get("/api/v1/recipes").statusCode()).isEqualTo(200);
      assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(workDir.resolve("data/registry")).doesNotExist();
    }
  }
}
