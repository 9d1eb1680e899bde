package dev.ociregistry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the embedding example and pushes and pulls a blob through it. */
class EmbeddedJettyExampleTest {
  @TempDir Path storage;

  @Test
  void embeddedRegistryAcceptsAPushAndServesItBack() throws Exception {
    Server server = EmbeddedJettyExample.start(storage, 0);
    try {
      int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
      URI base = URI.create("http://127.0.0.1:" + port + "/");
      HttpClient client = HttpClient.newHttpClient();
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(base.resolve("/v2/")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);

      byte[] content = "embedded".getBytes(StandardCharsets.UTF_8);
      String digest =
          "sha256:"
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
      HttpResponse<String> pushed =
          client.send(
              HttpRequest.newBuilder(base.resolve("/v2/demo/hello/blobs/uploads/?digest=" + digest))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(content))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(pushed.statusCode()).isEqualTo(201);

      HttpResponse<byte[]> pulled =
          client.send(
              HttpRequest.newBuilder(base.resolve("/v2/demo/hello/blobs/" + digest)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(pulled.body()).isEqualTo(content);
      assertThat(Files.exists(storage.resolve("blobs/sha256/" + digest.substring(7)))).isTrue();
    } finally {
      server.stop();
    }
  }
}
