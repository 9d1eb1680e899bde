package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.servlet.testing.Http;
import dev.ociregistry.servlet.testing.RegistryServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shortest path through the API: chunked push, manifest, pull, through a real Jetty. */
class PushPullSmokeTest {
  @TempDir Path root;

  @Test
  void chunkedPushThenPullByTagReturnsSameBytes() throws Exception {
    try (RegistryServer server = RegistryServer.start(root)) {
      Http http = new Http(server.base());
      byte[] layer = "hello layer".getBytes(StandardCharsets.UTF_8);
      byte[] config = "{}".getBytes(StandardCharsets.UTF_8);

      HttpResponse<byte[]> started = http.post("/v2/os/rootfs/blobs/uploads/", new byte[0]);
      assertThat(started.statusCode()).isEqualTo(202);
      String location = started.headers().firstValue("Location").orElseThrow();
      assertThat(started.headers().firstValue("Range")).hasValue("0-0");

      HttpResponse<byte[]> patched = http.patch(location, "0-4", slice(layer, 0, 5));
      assertThat(patched.statusCode()).isEqualTo(202);
      assertThat(patched.headers().firstValue("Range")).hasValue("0-4");
      HttpResponse<byte[]> patched2 =
          http.patch(location, "5-" + (layer.length - 1), slice(layer, 5, layer.length));
      assertThat(patched2.statusCode()).isEqualTo(202);

      HttpResponse<byte[]> closed =
          http.put(location + "?digest=" + Digest.sha256(layer), null, new byte[0]);
      assertThat(closed.statusCode()).isEqualTo(201);

      HttpResponse<byte[]> monolithic =
          http.post("/v2/os/rootfs/blobs/uploads/?digest=" + Digest.sha256(config), config);
      assertThat(monolithic.statusCode()).isEqualTo(201);

      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
              + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
              + Digest.sha256(config)
              + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
              + "\"digest\":\""
              + Digest.sha256(layer)
              + "\",\"size\":"
              + layer.length
              + "}]}";
      HttpResponse<byte[]> pushed =
          http.put(
              "/v2/os/rootfs/manifests/22.04",
              "application/vnd.oci.image.manifest.v1+json",
              manifest.getBytes(StandardCharsets.UTF_8));
      assertThat(pushed.statusCode()).isEqualTo(201);

      HttpResponse<byte[]> pulled = http.get("/v2/os/rootfs/manifests/22.04");
      assertThat(pulled.statusCode()).isEqualTo(200);
      assertThat(new String(pulled.body(), StandardCharsets.UTF_8)).isEqualTo(manifest);
      HttpResponse<byte[]> blob = http.get("/v2/os/rootfs/blobs/" + Digest.sha256(layer));
      assertThat(blob.body()).isEqualTo(layer);
      assertThat(new String(http.get("/v2/os/rootfs/tags/list").body(), StandardCharsets.UTF_8))
          .isEqualTo("{\"name\":\"os/rootfs\",\"tags\":[\"22.04\"]}");
    }
  }

  private static byte[] slice(byte[] data, int from, int to) {
    return java.util.Arrays.copyOfRange(data, from, to);
  }
}
