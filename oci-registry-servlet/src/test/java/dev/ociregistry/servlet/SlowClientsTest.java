package dev.ociregistry.servlet;

import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.internal.BodyReadAhead;
import dev.ociregistry.servlet.testing.RegistryServer;
import dev.ociregistry.testkit.Artifacts;
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
  void aBodyThatOutgrowsWhatIsLeftOfTheBudgetGets429WhileOthersGoOn() throws Exception {
    // Room for one body grown to its megabyte beside the other at its 512 KiB buffer (counted four
    // times over), not for both grown: exactly one of them finds no room.
    long budget = BodyReadAhead.COST_FACTOR * 1_750_000L;
    server = asynchronousServer(ServletOptions.defaults().withBodyMemoryBytes(budget));
    Artifacts.Manifest small = Artifacts.image("small");
    new Pusher(server.http()).image("budget/seed", "v1", small);
    Socket first = halfSentManifestPush(server, "budget/first");
    Socket second = halfSentManifestPush(server, "budget/second");
    stalled.add(first);
    stalled.add(second);

    // Whichever grows second finds no room: it is refused at once; the other goes on waiting.
    List<String> answers = new ArrayList<>();
    for (Socket socket : List.of(first, second)) {
      socket.setSoTimeout(3000);
      try {
        answers.add(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
      } catch (java.net.SocketTimeoutException e) {
        answers.add("waiting");
      }
    }

    assertThat(answers).containsExactlyInAnyOrder("HTTP/1.1 429", "waiting");
    assertThat(put(server, "/v2/budget/seed/manifests/v2", small.content())).isEqualTo(201);
  }

  @Test
  void manyStalledBodiesHoldAlmostNoneOfTheBudget() throws Exception {
    // Each stalled push holds its first buffer only, whatever length it declares.
    long budget = BodyReadAhead.COST_FACTOR * 1024L * 1024;
    server = asynchronousServer(ServletOptions.defaults().withBodyMemoryBytes(budget));
    for (int i = 0; i < 8; i++) {
      stalled.add(stalledManifestPush(server, "budget/stalled" + i, 4 * 1024 * 1024));
    }

    Artifacts.Manifest image = Artifacts.image("while stalled");
    new Pusher(server.http()).image("budget/fresh", "v1", image);
  }

  /** A manifest push that declares a megabyte, sends 600 KB of it, then nothing. */
  private static Socket halfSentManifestPush(RegistryServer server, String repository)
      throws IOException {
    Socket socket = stalledManifestPush(server, repository, 1_000_000);
    socket.getOutputStream().write(new byte[600_000]);
    socket.getOutputStream().flush();
    return socket;
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

  @Test
  void aDownloadThatOutlivesItsDeadlineIsCutShort() throws Exception {
    // The connection closes within the container's idle timeout after the deadline.
    server =
        RegistryServer.start(
            root,
            ServletOptions.defaults().withDownloadTimeout(Duration.ofMillis(500)),
            new RegistryServer.Container(true, THREADS, Duration.ofSeconds(1)));
    Artifacts.Blob large =
        Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(48 * 1024 * 1024, 8));
    new Pusher(server.http()).blob("slow/deadline", large);

    try (Socket socket = new Socket(server.base().getHost(), server.base().getPort())) {
      socket
          .getOutputStream()
          .write(
              ("GET /v2/slow/deadline/blobs/" + large.digest() + " HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      // The client reads nothing until past the deadline, then everything it can: what the
      // socket buffers held, then the end.
      Thread.sleep(1500);
      byte[] received = socket.getInputStream().readAllBytes();

      assertThat(received.length).isLessThan(large.content().length);
    }
  }

  @Test
  void aManifestBodyThatOutlivesItsDeadlineIsRefused() throws Exception {
    server =
        asynchronousServer(ServletOptions.defaults().withUploadTimeout(Duration.ofMillis(500)));
    try (Socket socket = stalledManifestPush(server, "slow/late")) {
      RawHttp.Response answer = RawHttp.parse(socket.getInputStream().readAllBytes());

      assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
      assertThat(answer.text()).contains("MANIFEST_INVALID");
    }
  }

  @Test
  void aContainerWithoutAsynchronousServletsStillSendsBlobsWholeAndInRanges() throws Exception {
    server =
        RegistryServer.start(
            root, ServletOptions.defaults(), new RegistryServer.Container(false, 200));
    Artifacts.Blob blob = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(300_000, 9));
    new Pusher(server.http()).blob("blocking/pull", blob);
    String path = "/v2/blocking/pull/blobs/" + blob.digest();

    assertThat(server.http().get(path).body()).isEqualTo(blob.content());
    TestHttp.Response range =
        server.http().send(server.http().request(path).header("Range", "bytes=10-19").GET());
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(blob.content(), 10, 20));
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
