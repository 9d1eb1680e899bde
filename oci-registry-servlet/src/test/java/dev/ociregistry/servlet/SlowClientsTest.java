package dev.ociregistry.servlet;

import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.testing.RegistryServer;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send their bodies or read their answers slowly, or stop halfway, hold no request
 * thread: in a container with few threads, many of them at once leave a fresh client answered. In a
 * container whose servlet is not asynchronous, the same requests still work, on its threads.
 */
class SlowClientsTest {
  /** Far fewer threads than stalled clients: a thread held per client would lock everyone out. */
  private static final int THREADS = 16;

  private static final int STALLED = 60;

  @TempDir Path root;

  private final List<Socket> stalled = new ArrayList<>();
  private RegistryServer server;

  @AfterEach
  void close() throws IOException {
    for (Socket socket : stalled) {
      socket.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void manifestBodiesThatStallHoldNoThread() throws Exception {
    server = asynchronousServer(ServletOptions.defaults());
    for (int i = 0; i < STALLED; i++) {
      stalled.add(stalledManifestPush(server, "stalled/manifest" + i));
    }

    assertFreshClientsAreAnswered(server);
    Artifacts.Manifest image = Artifacts.image("after the stalled pushes");
    new Pusher(server.http()).image("stalled/fresh", "v1", image);
  }

  @Test
  void downloadsThatAreNotReadHoldNoThread() throws Exception {
    server = asynchronousServer(ServletOptions.defaults());
    Artifacts.Blob large =
        Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(16 * 1024 * 1024, 7));
    new Pusher(server.http()).blob("slow/pull", large);
    for (int i = 0; i < STALLED; i++) {
      stalled.add(unreadDownload(server, "/v2/slow/pull/blobs/" + large.digest()));
    }

    assertFreshClientsAreAnswered(server);
    assertThat(server.http().get("/v2/slow/pull/blobs/" + large.digest()).body())
        .isEqualTo(large.content());
  }

  @Test
  void anErrorIsAnsweredWithoutWaitingForTheBodyItDoesNotNeed() throws Exception {
    server = asynchronousServer(ServletOptions.defaults());
    try (Socket socket = RawHttp.open(server.base())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT /v2/UPPER/manifests/v1 HTTP/1.1\r\nHost: "
                  + server.hostPort()
                  + "\r\nContent-Type: "
                  + OCI_MANIFEST
                  + "\r\nContent-Length: 1000000\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();

      byte[] answer = socket.getInputStream().readNBytes(12);

      assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 400");
    }
  }

  @Test
  void tooManyManifestBodiesAtOnceWaitThenGet429NeverAFailure() throws Exception {
    int manifestSize = 512 * 1024;
    // Room for two such bodies at a time.
    long budget = 2L * BodyReadAhead.COST_FACTOR * manifestSize;
    server = asynchronousServer(ServletOptions.defaults().withBodyMemoryBytes(budget));
    Artifacts.Manifest small = Artifacts.image("small");
    new Pusher(server.http()).image("budget/seed", "v1", small);
    for (int i = 0; i < 2; i++) {
      stalled.add(stalledManifestPush(server, "budget/stalled" + i, manifestSize));
    }
    Await.until(
        "the stalled pushes hold the whole budget",
        () -> put(server, "/v2/budget/seed/manifests/probe", small.content()) == 429);
    ExecutorService pushers = Executors.newFixedThreadPool(8);
    try {
      List<Future<TestHttp.Response>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String tag = "v" + i;
        answers.add(
            pushers.submit(
                () ->
                    server
                        .http()
                        .put("/v2/budget/seed/manifests/" + tag, OCI_MANIFEST, small.content())));
      }
      for (Future<TestHttp.Response> answer : answers) {
        TestHttp.Response response = answer.get();
        assertThat(response.status()).as(response.toString()).isEqualTo(429);
        assertThat(response.errorCode()).isEqualTo("TOOMANYREQUESTS");
        assertThat(response.header("Retry-After")).isPresent();
      }
    } finally {
      pushers.shutdownNow();
    }
    for (Socket socket : stalled) {
      socket.close();
    }
    stalled.clear();
    Await.until(
        "the budget the stalled pushes held is free again",
        () -> put(server, "/v2/budget/seed/manifests/v9", small.content()) == 201);
  }

  private static int put(RegistryServer server, String path, byte[] manifest) {
    try {
      return server.http().put(path, OCI_MANIFEST, manifest).status();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aContainerWithoutAsynchronousServletsStillReadsAndLimitsBodies() throws Exception {
    server =
        RegistryServer.start(
            root, ServletOptions.defaults(), new RegistryServer.Container(false, 200));
    Artifacts.Manifest image = Artifacts.image("blocking container");
    new Pusher(server.http()).image("blocking/repo", "v1", image);
    // Headers alone: in such a container an unread body closes the connection, and a client that
    // sent its whole body before reading may see the reset instead of the answer.
    try (Socket socket = RawHttp.open(server.base())) {
      socket
          .getOutputStream()
          .write(
              ("PUT /v2/blocking/repo/manifests/v2 HTTP/1.1\r\nHost: "
                      + server.hostPort()
                      + "\r\nContent-Type: "
                      + OCI_MANIFEST
                      + "\r\nContent-Length: "
                      + (4 * 1024 * 1024 + 1)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      RawHttp.Response tooLarge = RawHttp.parse(socket.getInputStream().readAllBytes());

      assertThat(tooLarge.status()).as(tooLarge.toString()).isEqualTo(413);
      assertThat(tooLarge.header("connection")).hasValue("close");
    }
    assertThat(server.http().get("/v2/blocking/repo/manifests/v1").body())
        .isEqualTo(image.content());
  }

  private RegistryServer asynchronousServer(ServletOptions options) throws Exception {
    return RegistryServer.start(root, options, new RegistryServer.Container(true, THREADS));
  }

  private static void assertFreshClientsAreAnswered(RegistryServer server) throws Exception {
    TestHttp fresh = new TestHttp(server.base(), Duration.ofSeconds(10));
    for (int i = 0; i < 5; i++) {
      assertThat(fresh.get("/v2/").status()).isEqualTo(200);
    }
  }

  private static Socket stalledManifestPush(RegistryServer server, String repository)
      throws IOException {
    return stalledManifestPush(server, repository, 100_000);
  }

  /** A manifest push that sends its headers and a first byte of its body, then nothing. */
  private static Socket stalledManifestPush(RegistryServer server, String repository, int size)
      throws IOException {
    Socket socket = RawHttp.open(server.base());
    socket
        .getOutputStream()
        .write(
            ("PUT /v2/"
                    + repository
                    + "/manifests/v1 HTTP/1.1\r\nHost: "
                    + server.hostPort()
                    + "\r\nContent-Type: "
                    + OCI_MANIFEST
                    + "\r\nContent-Length: "
                    + size
                    + "\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /** A download whose client asks for a large blob and never reads the answer. */
  private static Socket unreadDownload(RegistryServer server, String path) throws IOException {
    Socket socket = new Socket(server.base().getHost(), server.base().getPort());
    socket.setReceiveBufferSize(4096);
    socket
        .getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: " + server.hostPort() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }
}
