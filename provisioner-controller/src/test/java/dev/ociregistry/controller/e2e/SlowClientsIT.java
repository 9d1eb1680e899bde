package dev.ociregistry.controller.e2e;

import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.ProcessStatus;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stalled and slow clients against the jar as users run it (256 MiB heap): clients that send the
 * first bytes of an API body, a manifest or an upload chunk and then nothing, clients that ask for
 * a large blob and never read it, and clients that never finish their headers. With all of them
 * connected, fresh clients are answered. Prints the figures.
 *
 * <p>{@code -Dreliability.stalledClients=N} sets how many stalled clients of all kinds (default
 * 1000).
 */
class SlowClientsIT {
  private static final int STALLED = Integer.getInteger("reliability.stalledClients", 1000);

  @TempDir Path workDir;

  private final List<Socket> stalled = new ArrayList<>();

  @AfterEach
  void closeStalledClients() throws IOException {
    for (Socket socket : stalled) {
      socket.close();
    }
  }

  @Test
  void aThousandStalledClientsLeaveFreshClientsAnswered() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir, Map.of("DATA_DIR", workDir.resolve("data").toString()))) {
      URI base = controller.base();
      TestHttp http = new TestHttp(base, Duration.ofSeconds(10));
      Pusher pusher = new Pusher(http);
      Artifacts.Blob large =
          Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(32 * 1024 * 1024, 41));
      pusher.blob("slow/pull", large);
      Artifacts.Manifest image = pusher.image("slow/image", "v1", Artifacts.image("fresh"));
      String upload = pusher.startUpload("slow/upload");

      long opening = System.nanoTime();
      for (int i = 0; i < STALLED; i++) {
        stalled.add(
            switch (i % 5) {
              case 0 -> stalledBody(base, "POST /api/v1/recipes", "application/json", "{");
              case 1 ->
                  stalledBody(
                      base, "PUT /v2/slow/stalled" + i + "/manifests/v1", OCI_MANIFEST, "{");
              case 2 -> stalledBody(base, "PATCH " + upload, "application/octet-stream", "data");
              case 3 -> unreadDownload(base, "/v2/slow/pull/blobs/" + large.digest());
              default -> unfinishedHeaders(base);
            });
      }
      double openSeconds = (System.nanoTime() - opening) / 1e9;
      ProcessStatus whileStalled = ProcessStatus.of(controller.pid());
      // Bounded: the 256 MiB heap and what the JVM needs beside it, with every client connected.
      assertThat(whileStalled.peakResidentKiB()).isLessThan(512 * 1024);

      long slowest = 0;
      for (int i = 0; i < 20; i++) {
        long started = System.nanoTime();
        assertThat(http.get("/v2/").status()).isEqualTo(200);
        assertThat(http.get("/v2/slow/image/manifests/v1").body()).isEqualTo(image.content());
        slowest = Math.max(slowest, System.nanoTime() - started);
      }
      TestHttp.Response recipe =
          http.postJson(
              "/api/v1/recipes",
              """
              {"name": "fresh", "task_target": "install-linux.target", "target_disk": "/dev/sda",
               "oci_url": "%s/slow/image:v1",
               "partitions": [{"mount": "/", "size": "0", "fstype": "ext4"}]}
              """
                  .formatted(RawHttp.hostPort(base)));
      assertThat(recipe.status()).as(recipe.toString()).isEqualTo(201);

      System.out.printf(
          "slow clients: %d stalled (opened in %.1f s); fresh GET /v2/ + manifest slowest"
              + " %.0f ms; server %s%n",
          STALLED, openSeconds, slowest / 1e6, whileStalled);
      assertThat(controller.isAlive()).isTrue();
      assertThat(controller.log())
          .doesNotContain("OutOfMemoryError")
          .doesNotContain("storage failed");
    }
  }

  @Test
  void aClientThatTricklesItsBodyIsCutOffRatherThanHeldForever() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir, Map.of("DATA_DIR", workDir.resolve("data").toString()))) {
      URI base = controller.base();
      String upload = new Pusher(new TestHttp(base)).startUpload("slow/trickle");
      try (Socket socket = RawHttp.open(base)) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("PATCH "
                    + upload
                    + " HTTP/1.1\r\nHost: "
                    + RawHttp.hostPort(base)
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        long started = System.nanoTime();
        InputStream in = socket.getInputStream();
        socket.setSoTimeout(1000);
        byte[] answer = new byte[0];
        try {
          // A byte every second: far below the minimum rate, often enough to defeat an idle
          // timeout.
          for (int second = 0; second < 120 && answer.length == 0; second++) {
            out.write('x');
            out.flush();
            answer = readSome(in);
          }
        } catch (IOException closed) {
          // the server closed the connection: cut off
        }
        double cutAfter = (System.nanoTime() - started) / 1e9;
        System.out.printf("slow clients: a trickling upload was cut off after %.1f s%n", cutAfter);
        assertThat(cutAfter).isLessThan(110);
      }
    }
  }

  private static byte[] readSome(InputStream in) throws IOException {
    try {
      byte[] buffer = new byte[512];
      int read = in.read(buffer);
      if (read < 0) {
        throw new IOException("closed");
      }
      return java.util.Arrays.copyOf(buffer, read);
    } catch (java.net.SocketTimeoutException e) {
      return new byte[0];
    }
  }

  /** A request that sends its headers and the first bytes of its body, then nothing. */
  private static Socket stalledBody(URI base, String requestLine, String type, String firstBytes)
      throws IOException {
    return send(
        base,
        requestLine
            + " HTTP/1.1\r\nHost: "
            + RawHttp.hostPort(base)
            + "\r\nContent-Type: "
            + type
            + "\r\nContent-Length: 100000\r\n\r\n"
            + firstBytes);
  }

  /** A request for a large blob whose client never reads the answer. */
  private static Socket unreadDownload(URI base, String path) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
    write(socket, "GET " + path + " HTTP/1.1\r\nHost: " + RawHttp.hostPort(base) + "\r\n\r\n");
    return socket;
  }

  /** A request whose headers never end. */
  private static Socket unfinishedHeaders(URI base) throws IOException {
    return send(base, "GET /v2/ HTTP/1.1\r\nHost: " + RawHttp.hostPort(base) + "\r\nX-Slow: a");
  }

  private static Socket send(URI base, String text) throws IOException {
    Socket socket = new Socket(base.getHost(), base.getPort());
    write(socket, text);
    return socket;
  }

  private static void write(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }
}
