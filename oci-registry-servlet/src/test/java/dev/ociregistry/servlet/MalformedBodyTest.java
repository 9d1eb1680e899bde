package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A body the container cannot decode is the client's fault: 400, and the upload goes on. */
class MalformedBodyTest extends RegistryTestBase {
  @Test
  void malformedChunkEncodingAnswers400AndLeavesTheUploadUsable() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    RawHttp.Response response =
        RawHttp.exchange(
            server.base(),
            "PATCH "
                + location
                + " HTTP/1.1\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "Content-Type: application/octet-stream\r\n",
            "5\r\nhello\r\nZZZ\r\nnot a chunk\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    TestHttp.Response status = http.get(location);
    assertThat(status.status()).isEqualTo(204);
    TestHttp.Response resumed =
        http.patch(location, null, "more".getBytes(StandardCharsets.US_ASCII));
    assertThat(resumed.status()).isEqualTo(202);
  }
}
