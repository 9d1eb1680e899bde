package dev.ociregistry.servlet.internal;

import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.testkit.RawHttp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Bodies read up to a limit, and bodies an answer does not need. */
class RequestBodiesTest extends RegistryTestBase {
  @Test
  void aBodyIsReadWholeWithinItsLimitAndRefusedPastIt() throws IOException {
    byte[] five = "12345".getBytes(StandardCharsets.US_ASCII);

    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(five), 5, 5)).hasValue(five);
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(five), -1, 5)).hasValue(five);
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(five), 6, 5)).isEmpty();
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(five), -1, 4)).isEmpty();
  }

  @Test
  void anUnneededBodyPastTheDrainLimitClosesTheConnectionAfterTheAnswer() throws Exception {
    try (Socket socket = RawHttp.open(server.base())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT /v2/UPPER/manifests/v1 HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  + OCI_MANIFEST
                  + "\r\nTransfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      // The client keeps sending a body the answer does not need until the server closes.
      CompletableFuture<Long> sent =
          CompletableFuture.supplyAsync(
              () -> {
                byte[] chunk = new byte[64 * 1024];
                long total = 0;
                try {
                  while (total < 64L * 1024 * 1024) {
                    RawHttp.writeChunk(out, chunk, 0, chunk.length);
                    total += chunk.length;
                  }
                } catch (IOException closed) {
                  return total;
                }
                return -1L;
              });

      String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);

      assertThat(answer).isEqualTo("HTTP/1.1 400");
      long total = sent.get(60, TimeUnit.SECONDS);
      assertThat(total).as("the server closed the connection").isPositive();
      assertThat(total).isLessThan(64L * 1024 * 1024);
    }
    assertThat(http.get("/v2/").status()).isEqualTo(200);
  }
}
