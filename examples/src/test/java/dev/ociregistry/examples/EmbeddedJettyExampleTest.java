package dev.ociregistry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import java.net.URI;
import java.nio.file.Path;
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
      TestHttp http = new TestHttp(URI.create("http://127.0.0.1:" + port));
      assertThat(http.get("/v2/").status()).isEqualTo(200);

      Blob blob = new Pusher(http).blob("demo/hello", Artifacts.layer("embedded"));

      assertThat(http.get("/v2/demo/hello/blobs/" + blob.digest()).body())
          .isEqualTo(blob.content());
      Path stored = storage.resolve("blobs/sha256/" + Digests.sha256Hex(blob.content()));
      assertThat(stored).exists();
      assertThat(Digests.sha256(stored)).isEqualTo(blob.digest());
    } finally {
      server.stop();
    }
  }
}
