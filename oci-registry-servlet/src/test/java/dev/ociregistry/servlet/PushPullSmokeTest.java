package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shortest path through the API: chunked push, manifest, pull, through a real Jetty. */
class PushPullSmokeTest extends RegistryTestBase {
  @Test
  void chunkedPushThenPullByTagReturnsSameBytes() throws Exception {
    byte[] layer = "hello layer".getBytes(StandardCharsets.UTF_8);
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);

    TestHttp.Response started = http.post("/v2/os/rootfs/blobs/uploads/", new byte[0]);
    assertThat(started.status()).isEqualTo(202);
    String location = started.header("Location").orElseThrow();
    assertThat(started.header("Range")).hasValue("0-0");

    TestHttp.Response patched = http.patch(location, "0-4", slice(layer, 0, 5));
    assertThat(patched.status()).isEqualTo(202);
    assertThat(patched.header("Range")).hasValue("0-4");
    TestHttp.Response patched2 =
        http.patch(location, "5-" + (layer.length - 1), slice(layer, 5, layer.length));
    assertThat(patched2.status()).isEqualTo(202);

    TestHttp.Response closed =
        http.put(location + "?digest=" + Digests.sha256(layer), null, new byte[0]);
    assertThat(closed.status()).isEqualTo(201);

    TestHttp.Response monolithic =
        http.post("/v2/os/rootfs/blobs/uploads/?digest=" + Digests.sha256(config), config);
    assertThat(monolithic.status()).isEqualTo(201);

    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + Digests.sha256(config)
            + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
            + "\"digest\":\""
            + Digests.sha256(layer)
            + "\",\"size\":"
            + layer.length
            + "}]}";
    TestHttp.Response pushed =
        http.put(
            "/v2/os/rootfs/manifests/22.04",
            "application/vnd.oci.image.manifest.v1+json",
            manifest.getBytes(StandardCharsets.UTF_8));
    assertThat(pushed.status()).isEqualTo(201);

    TestHttp.Response pulled = http.get("/v2/os/rootfs/manifests/22.04");
    assertThat(pulled.status()).isEqualTo(200);
    assertThat(pulled.text()).isEqualTo(manifest);
    TestHttp.Response blob = http.get("/v2/os/rootfs/blobs/" + Digests.sha256(layer));
    assertThat(blob.body()).isEqualTo(layer);
    assertThat(http.get("/v2/os/rootfs/tags/list").text())
        .isEqualTo("{\"name\":\"os/rootfs\",\"tags\":[\"22.04\"]}");
  }

  private static byte[] slice(byte[] data, int from, int to) {
    return java.util.Arrays.copyOfRange(data, from, to);
  }
}
