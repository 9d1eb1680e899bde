package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.JettyFixture;
import dev.ociregistry.testkit.RawHttp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads in a real Jetty go through the large buffers outside the heap, no more of them than the
 * pool holds, and a buffer a download's client left unread never carries another download's bytes.
 */
class StreamedAnswerTest {
  private static final int SIZE = 6 * 1024 * 1024;
  private static final byte[] FIRST = Artifacts.content(SIZE, 1);
  private static final byte[] SECOND = Artifacts.content(SIZE, 2);

  @TempDir Path dir;

  private final DownloadBuffers buffers = new DownloadBuffers(2);
  private final List<Socket> clients = new ArrayList<>();
  private JettyFixture jetty;

  @AfterEach
  void close() throws IOException {
    for (Socket client : clients) {
      client.close();
    }
    if (jetty != null) {
      jetty.close();
    }
  }

  @Test
  void downloadsBeyondTheLargeBuffersGoOnThroughSmallOnes() throws Exception {
    start(Duration.ofMinutes(1));
    for (int i = 0; i < 3; i++) {
      clients.add(unreadDownload("/first"));
    }
    awaitLargeInUse(2);

    assertThat(jetty.http().get("/second").body()).isEqualTo(SECOND);
    assertThat(buffers.largeInUse()).isEqualTo(2);

    for (Socket client : clients) {
      client.close();
    }
    awaitLargeInUse(0);
    assertThat(jetty.http().get("/first").body()).isEqualTo(FIRST);
  }

  @Test
  void aDownloadCutAtItsDeadlineSendsOnlyItsOwnBytesAndFreesItsBuffer() throws Exception {
    start(Duration.ofMillis(500));
    Socket unread = unreadDownload("/first");
    clients.add(unread);
    awaitLargeInUse(1);
    awaitLargeInUse(0);

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> others = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<byte[]> download = () -> jetty.http().get("/second").body();
        others.add(pool.submit(download));
      }
      for (Future<byte[]> other : others) {
        assertThat(other.get()).isEqualTo(SECOND);
      }
    } finally {
      pool.shutdownNow();
    }

    byte[] received = bodyUntilClosed(unread);
    assertThat(received.length).isLessThan(SIZE);
    assertThat(received).isEqualTo(Arrays.copyOf(FIRST, received.length));
  }

  @Test
  void aWholeDownloadGivesItsBufferToTheNext() throws Exception {
    start(Duration.ofMinutes(1));
    assertThat(jetty.http().get("/first").body()).isEqualTo(FIRST);
    awaitLargeInUse(0);
    assertThat(jetty.http().get("/second").body()).isEqualTo(SECOND);
  }

  private void start(Duration timeout) throws Exception {
    Files.write(dir.resolve("first"), FIRST);
    Files.write(dir.resolve("second"), SECOND);
    StreamedAnswer answers = new StreamedAnswer(buffers, timeout);
    HttpServlet files =
        new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void doGet(HttpServletRequest request, HttpServletResponse response)
              throws IOException {
            FileChannel channel = FileChannel.open(dir.resolve(request.getPathInfo().substring(1)));
            response.setContentLengthLong(channel.size());
            answers.send(request, response, channel, 0, channel.size());
          }
        };
    jetty =
        JettyFixture.start(
            context -> {
              ServletHolder holder = new ServletHolder(files);
              holder.setAsyncSupported(true);
              context.addServlet(holder, "/*");
            });
  }

  private void awaitLargeInUse(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (buffers.largeInUse() != expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(buffers.largeInUse()).isEqualTo(expected);
  }

  private Socket unreadDownload(String path) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new java.net.InetSocketAddress(jetty.base().getHost(), jetty.base().getPort()));
    socket
        .getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: " + RawHttp.hostPort(jetty.base()) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /** What the server sent after the head, until it closed the connection. */
  private static byte[] bodyUntilClosed(Socket socket) throws IOException {
    socket.setSoTimeout(20_000);
    byte[] all;
    try {
      all = socket.getInputStream().readAllBytes();
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server never closed a download cut short", e);
    }
    int head = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(head).isPositive();
    return Arrays.copyOfRange(all, head + 4, all.length);
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }
}
