package dev.ociregistry.controller.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.JarProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller jar serving HTTPS on its one port from a PEM pair, as {@code TLS_CERT_FILE} and
 * {@code TLS_KEY_FILE} configure it: a client that trusts the test CA pushes and pulls.
 */
class TlsControllerIT {
  @TempDir Path workDir;

  @Test
  void theControllerServesTheRegistryAndTheApiOverHttps() throws Exception {
    TestPki pki = TestPki.shared();
    TestPki.Leaf leaf = pki.rsa("controller");

    try (JarProcess controller =
        JarProcess.start(
            JarProcess.jarFromProperty("controller.jar"),
            workDir,
            Map.of(
                "LISTEN_ADDR", "127.0.0.1:0",
                "TLS_CERT_FILE", leaf.chain().toString(),
                "TLS_KEY_FILE", leaf.key().toString()),
            "-Xmx256m")) {
      URI base = URI.create("https://127.0.0.1:" + controller.awaitListening());
      SSLContext trust = TlsClient.trusting(pki.caCertificate());
      HttpClient client = HttpClient.newBuilder().sslContext(trust).build();
      Manifest image = Artifacts.image("over https");
      for (Artifacts.Blob blob : image.blobs()) {
        assertThat(
                client
                    .send(
                        HttpRequest.newBuilder(
                                base.resolve(
                                    "/v2/tls/image/blobs/uploads/?digest=" + blob.digest()))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(blob.content()))
                            .build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode())
            .isEqualTo(201);
      }
      HttpResponse<byte[]> pulled =
          client.send(
              HttpRequest.newBuilder(
                      base.resolve("/v2/tls/image/blobs/" + image.blobs().get(1).digest()))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());

      assertThat(pulled.body()).isEqualTo(image.blobs().get(1).content());
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(base.resolve("/api/v1/recipes")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(200);
      assertThat(controller.log()).contains("(https, registry enabled");
    }
  }
}
