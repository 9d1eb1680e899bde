package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestSecrets;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logs explain the server without giving away a credential: at debug every upload, pull,
 * manifest push and delete, collector deletion and login decision is there, with no password, no
 * {@code Authorization} value and no refused password either, in the access log as in the rest;
 * {@code LOG_FORMAT=json} makes every line a JSON object; a large transfer gets a line of its own
 * with its size, digest and throughput.
 */
class LogsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path workDir;

  @Test
  void debugLogsExplainEveryStepAndHoldNoCredential() throws Exception {
    String password = TestSecrets.password("machine");
    String wrongPassword = TestSecrets.password("guess");
    Path accessLog = workDir.resolve("access.log");
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir,
            Map.of(
                "DATA_DIR", workDir.resolve("data").toString(),
                "REGISTRY_AUTH_MODE", "basic",
                "REGISTRY_BASIC_USER", "machine",
                "REGISTRY_BASIC_PASSWORD", password,
                "REGISTRY_GC_GRACE_PERIOD", "0s",
                "LOG_LEVEL", "debug",
                "LOG_FORMAT", "json",
                "ACCESS_LOG_PATH", accessLog.toString()))) {
      TestHttp anonymous = new TestHttp(controller.base());
      TestHttp machine = anonymous.withBasicAuth("machine", password);
      Manifest image = Artifacts.image("logged");
      new Pusher(machine).image("logged/image", "v1", image);
      Blob layer = image.blobs().get(1);
      machine.get("/v2/logged/image/blobs/" + layer.digest()).expect(200);
      machine.get("/v2/logged/image/manifests/v1").expect(200);
      assertThat(anonymous.withBasicAuth("machine", wrongPassword).get("/v2/").status())
          .isEqualTo(401);
      machine.delete("/v2/logged/image/manifests/" + image.digest()).expect(202);
      machine.post("/admin/gc", new byte[0]).expect(200);
      assertThat(Scrape.of(machine).value("registry_auth_failures_total")).isEqualTo(1);

      Await.until(
          "the access log to show the collection",
          () -> read(accessLog).contains("POST /admin/gc HTTP/1.1\" 200"));
      List<JsonNode> lines = jsonLines(controller.log());
      String messages = String.join("\n", lines.stream().map(this::message).toList());
      assertThat(messages)
          .contains("blob " + layer.digest() + " (" + layer.size() + " bytes) stored in")
          .contains("blob pull logged/image " + layer.digest())
          .contains("manifest push logged/image:v1 " + image.digest())
          .contains("manifest pull logged/image:v1")
          .contains("manifest delete logged/image@" + image.digest())
          .contains("gc deleted blob " + layer.digest())
          .contains("auth: machine from 127.0.0.1 accepted")
          .contains("auth: machine from 127.0.0.1 refused: wrong user name or password")
          .contains("registry gc: 3 blobs and 0 manifests deleted");
      for (String log : List.of(controller.log(), read(accessLog))) {
        assertThat(log)
            .doesNotContain(password)
            .doesNotContain(wrongPassword)
            .doesNotContain(base64("machine:" + password))
            .doesNotContain(base64("machine:" + wrongPassword))
            .doesNotContainIgnoringCase("authorization");
      }
    }
  }

  @Test
  void aLargeTransferGetsALineWithItsSizeDigestAndThroughput() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir, Map.of("DATA_DIR", workDir.resolve("data").toString()))) {
      TestHttp http = new TestHttp(controller.base());
      Blob large = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content((65 << 20) + 1, 11));
      new Pusher(http).blob("big/wim", large);
      try (var pull = http.stream(http.request("/v2/big/wim/blobs/" + large.digest())).body()) {
        assertThat(pull.transferTo(OutputStream.nullOutputStream())).isEqualTo(large.size());
      }
      Await.until(
          "the pull's line", () -> controller.log().contains("sent " + large.size() + " bytes in"));
      assertThat(controller.log())
          .containsPattern(
              "POST /v2/big/wim/blobs/uploads/ digest "
                  + large.digest()
                  + " received "
                  + large.size()
                  + " bytes in [0-9.]+ s \\([0-9]+ MiB/s\\), status 201")
          .containsPattern(
              "GET /v2/big/wim/blobs/"
                  + large.digest()
                  + " sent "
                  + large.size()
                  + " bytes in [0-9.]+ s \\([0-9]+ MiB/s\\), status 200");
    }
  }

  private String message(JsonNode line) {
    return line.get("formattedMessage").asText();
  }

  private static List<JsonNode> jsonLines(String log) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      assertThat(node.isObject()).as(line).isTrue();
      assertThat(node.has("level") && node.has("loggerName") && node.has("timestamp"))
          .as(line)
          .isTrue();
      lines.add(node);
    }
    return lines;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
