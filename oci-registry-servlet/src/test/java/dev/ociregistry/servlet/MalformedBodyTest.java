package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.testing.Http;
import dev.ociregistry.servlet.testing.RegistryServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A body the container cannot decode is the client's fault: 400, and the upload goes on. */
class MalformedBodyTest {
  @TempDir Path root;

  @Test
  void malformedChunkEncodingAnswers400AndLeavesTheUploadUsable() throws Exception {
    try (RegistryServer server = RegistryServer.start(root)) {
      Http http = new Http(server.base());
      String location =
          http.post("/v2/os/rootfs/blobs/uploads/", new byte[0])
              .headers()
              .firstValue("Location")
              .orElseThrow();

      String statusLine;
      try (Socket socket = new Socket("127.0.0.1", server.base().getPort())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("PATCH "
                    + location
                    + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\n"
                    + "Transfer-Encoding: chunked\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n"
                    + "5\r\nhello\r\nZZZ\r\nnot a chunk\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        statusLine =
            new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
      }

      assertThat(statusLine).startsWith("HTTP/1.1 400");
      HttpResponse<byte[]> status = http.get(location);
      assertThat(status.statusCode()).isEqualTo(204);
      HttpResponse<byte[]> resumed =
          http.patch(location, null, "more".getBytes(StandardCharsets.US_ASCII));
      assertThat(resumed.statusCode()).isEqualTo(202);
    }
  }
}
