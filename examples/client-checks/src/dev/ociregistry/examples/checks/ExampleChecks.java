package dev.ociregistry.examples.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.MaintenanceOptions;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.Config;
import land.oras.ContainerRef;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every example must do, run against it as its {@code main} starts it (on a free port and a
 * temporary directory): real clients push and pull through it (the ORAS Java SDK, Debian's {@code
 * skopeo}, the JDK's HTTP client for chunked uploads and ranges), and its shutdown hook's stop
 * leaves the registry closed, its maintenance stopped and an upload in progress resumable.
 *
 * <p>An example's test extends this and says how to start it.
 */
public abstract class ExampleChecks {
  /** Above the servlet's 64 KiB heap buffer: downloads go through the container's ByteBuffer. */
  private static final int LARGE = 3 * 1024 * 1024 + 17;

  @TempDir protected Path storage;
  @TempDir protected Path work;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private RunningExample example;
  private boolean stopped;

  /** Starts the example as its {@code main} does, on {@code port} (0: a free one). */
  protected abstract RunningExample start(Path storage, int port) throws Exception;

  @BeforeEach
  void startExample() throws Exception {
    example = start(storage, 0);
  }

  @AfterEach
  void stopExample() throws Exception {
    if (!stopped) {
      example.stop().stop();
    }
  }

  @Test
  void baseEndpointAnswers200WithTheApiVersionHeader() throws Exception {
    HttpResponse<String> response = send(request("").GET(), BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
        .contains("registry/2.0");
    assertThat(example.uri().toString()).matches("http://localhost:[0-9]+/v2/");
  }

  @Test
  void orasPushesAnArtifactFileAndPullsItBackByteIdentical() throws Exception {
    Path file = Files.write(work.resolve("rootfs.tar.gz"), content(200_000, 1));
    ContainerRef ref = ContainerRef.parse(example.hostPort() + "/os-images/rootfs:22.04");
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      Registry oras = Registry.builder().insecure().withExecutorService(executor).build();

      Manifest pushed =
          oras.pushArtifact(
              ref,
              ArtifactType.from("application/vnd.example.rootfs"),
              Annotations.empty(),
              Config.empty(),
              LocalPath.of(file, "application/vnd.oci.image.layer.v1.tar+gzip"));
      Path pulled = Files.createDirectories(work.resolve("pulled"));
      oras.pullArtifact(ref, pulled, true);

      assertThat(pulled.resolve("rootfs.tar.gz")).hasSameBinaryContentAs(file);
      HttpResponse<byte[]> manifest =
          send(
              request("os-images/rootfs/manifests/22.04")
                  .header("Accept", OciImage.MANIFEST_TYPE)
                  .GET(),
              BodyHandlers.ofByteArray());
      assertThat(manifest.statusCode()).isEqualTo(200);
      assertThat(OciImage.sha256(manifest.body()))
          .isEqualTo(pushed.getDescriptor().getDigest())
          .isEqualTo(manifest.headers().firstValue("Docker-Content-Digest").orElseThrow());
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void skopeoCopiesAnOciImageInAndBackOutWithTheSameDigests() throws Exception {
    Skopeo skopeo = Skopeo.require(Files.createDirectories(work.resolve("skopeo")));
    OciImage image = OciImage.of("skopeo");
    Path source = image.writeLayout(work.resolve("source"), "1");
    String pushed = "docker://" + example.hostPort() + "/demo/image:1";

    skopeo.run(
        "copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + source + ":1", pushed);
    Path copy = work.resolve("copy");
    skopeo.run(
        "copy", "--preserve-digests", "--src-tls-verify=false", pushed, "oci:" + copy + ":copy");

    HttpResponse<byte[]> manifest =
        send(
            request("demo/image/manifests/1").header("Accept", OciImage.MANIFEST_TYPE).GET(),
            BodyHandlers.ofByteArray());
    assertThat(manifest.statusCode()).isEqualTo(200);
    assertThat(manifest.body()).isEqualTo(image.manifest());
    assertThat(manifest.headers().firstValue("Docker-Content-Digest"))
        .contains(OciImage.sha256(image.manifest()));
    assertThat(Files.readString(copy.resolve("index.json")))
        .contains("\"digest\":\"" + OciImage.sha256(image.manifest()) + "\"");
    for (byte[] blob : new byte[][] {image.manifest(), image.config(), image.layer()}) {
      String digest = OciImage.sha256(blob);
      Path copied = copy.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
      assertThat(copied).as("%s in the copied layout", digest).hasBinaryContent(blob);
    }
  }

  @Test
  void chunkedPatchWithoutContentRangeStreamsTheWholeBody() throws Exception {
    byte[] content = content(LARGE, 2);
    URI upload = startUpload("demo/chunked");

    // A body of unknown length goes out with Transfer-Encoding: chunked and no Content-Range.
    BodyPublisher chunked = BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(content));
    HttpResponse<String> patched =
        send(
            HttpRequest.newBuilder(upload)
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", chunked),
            BodyHandlers.ofString());
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(202);
    assertThat(patched.headers().firstValue("Range")).contains("0-" + (content.length - 1));
    assertThat(patched.headers().firstValue("Docker-Upload-UUID")).isPresent();

    String digest = finishUpload(resolve(patched), content);

    assertThat(blob("demo/chunked", digest)).isEqualTo(content);
  }

  @Test
  void rangedBlobGetAnswers206WithExactlyTheRequestedBytes() throws Exception {
    byte[] content = content(LARGE, 3);
    String digest = pushMonolithic("demo/ranges", content);
    String path = "demo/ranges/blobs/" + digest;

    HttpResponse<byte[]> partial =
        send(request(path).header("Range", "bytes=100-1048675").GET(), BodyHandlers.ofByteArray());
    assertThat(partial.statusCode()).isEqualTo(206);
    assertThat(partial.headers().firstValue("Content-Range"))
        .contains("bytes 100-1048675/" + content.length);
    assertThat(partial.headers().firstValue("Content-Length")).contains("1048576");
    assertThat(partial.body()).isEqualTo(Arrays.copyOfRange(content, 100, 1048676));

    HttpResponse<byte[]> suffix =
        send(request(path).header("Range", "bytes=-10").GET(), BodyHandlers.ofByteArray());
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(content, LARGE - 10, LARGE));

    HttpResponse<String> outside =
        send(request(path).header("Range", "bytes=" + LARGE + "-").GET(), BodyHandlers.ofString());
    assertThat(outside.statusCode()).isEqualTo(416);
    assertThat(outside.headers().firstValue("Content-Range")).contains("bytes */" + LARGE);
  }

  @Test
  void headAnswersTheSameContentLengthAsGetAndWholeBlobsComeBackIntact() throws Exception {
    byte[] content = content(LARGE, 4);
    String digest = pushMonolithic("demo/whole", content);

    HttpResponse<Void> head =
        send(
            request("demo/whole/blobs/" + digest).method("HEAD", BodyPublishers.noBody()),
            BodyHandlers.discarding());
    HttpResponse<byte[]> get =
        send(request("demo/whole/blobs/" + digest).GET(), BodyHandlers.ofByteArray());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).contains(String.valueOf(LARGE));
    assertThat(get.headers().firstValue("Content-Length")).contains(String.valueOf(LARGE));
    assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(digest);
    assertThat(get.body()).isEqualTo(content);
  }

  @Test
  void stopClosesTheRegistryAndEndsMaintenance() throws Exception {
    byte[] content = content(1000, 5);
    String digest = pushMonolithic("demo/kept", content);
    assertThat(example.maintenance().isRunning()).isTrue();
    assertThat(example.maintenance().options()).isEqualTo(MaintenanceOptions.defaults());

    stop();

    assertThat(example.maintenance().isRunning()).isFalse();
    assertThat(accepts(example.uri())).isFalse();
    try (OciRegistry reopened = OciRegistry.open(storage, RegistryOptions.defaults())) {
      assertThat(reopened.blobs().stat(RepositoryName.parse("demo/kept"), Digest.parse(digest)))
          .isPresent();
    }
  }

  @Test
  void uploadCutOffByAStopResumesAfterTheNextStart() throws Exception {
    byte[] content = content(LARGE, 6);
    int half = content.length / 2;
    URI upload = startUpload("demo/resumed");
    HttpResponse<String> first = patch(upload, content, 0, half);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);

    stop();
    example = start(storage, 0);
    stopped = false;
    URI resumed = example.uri().resolve(upload.getRawPath());

    HttpResponse<String> progress = send(HttpRequest.newBuilder(resumed).GET(), ofString());
    assertThat(progress.statusCode()).isEqualTo(204);
    assertThat(progress.headers().firstValue("Range")).contains("0-" + (half - 1));
    HttpResponse<String> rest = patch(resumed, content, half, content.length);
    assertThat(rest.statusCode()).as(rest.body()).isEqualTo(202);
    String digest = finishUpload(resolve(rest), content);

    assertThat(blob("demo/resumed", digest)).isEqualTo(content);
  }

  @Test
  void stopLetsAnUploadInFlightFinishThenRefusesConnections() throws Exception {
    byte[] content = content(LARGE, 7);
    int half = content.length / 2;
    URI upload = startUpload("demo/graceful");
    Path data = storage.resolve("uploads").resolve(lastSegment(upload)).resolve("data");
    SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>();
    CompletableFuture<HttpResponse<String>> patched =
        http.sendAsync(
            HttpRequest.newBuilder(upload)
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", BodyPublishers.fromPublisher(body))
                .build(),
            ofString());
    // Items submitted before the client subscribes would be dropped.
    await(() -> body.getNumberOfSubscribers() > 0, "the client to send the body");
    body.submit(ByteBuffer.wrap(content, 0, half));
    await(() -> Files.exists(data) && Files.size(data) > 0, "the first bytes on disk");

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(this::stopUnchecked);
    await(() -> !accepts(example.uri()), "the server to refuse new connections");
    assertThat(stopping).as("stop waits for the upload in flight").isNotDone();
    body.submit(ByteBuffer.wrap(content, half, content.length - half));
    body.close();

    HttpResponse<String> response = patched.get(1, TimeUnit.MINUTES);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(response.headers().firstValue("Range")).contains("0-" + (content.length - 1));
    stopping.get(1, TimeUnit.MINUTES);

    example = start(storage, 0);
    stopped = false;
    String digest = finishUpload(example.uri().resolve(upload.getRawPath()), content);
    assertThat(blob("demo/graceful", digest)).isEqualTo(content);
  }

  @Test
  void startOnAPortInUseFailsAndLeavesTheStorageFree() throws Exception {
    Path other = Files.createDirectories(work.resolve("other"));
    try (ServerSocket taken = new ServerSocket(0)) {
      assertThatThrownBy(() -> start(other, taken.getLocalPort())).isInstanceOf(Exception.class);
    }

    OciRegistry.open(other, RegistryOptions.defaults()).close();
  }

  private void stop() throws Exception {
    stopped = true;
    example.stop().stop();
  }

  private void stopUnchecked() {
    try {
      stop();
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  /** Waits for {@code condition}, looking again every few milliseconds, for ten seconds at most. */
  private static void await(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited ten seconds for " + what);
      }
      Thread.sleep(5);
    }
  }

  @FunctionalInterface
  private interface Condition {
    boolean holds() throws Exception;
  }

  /** Whether a connection to {@code uri}'s port is accepted. */
  private static boolean accepts(URI uri) throws IOException {
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      return socket.isConnected();
    } catch (ConnectException e) {
      return false;
    }
  }

  private static String lastSegment(URI uri) {
    String path = uri.getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private URI startUpload(String repository) throws Exception {
    HttpResponse<String> started =
        send(request(repository + "/blobs/uploads/").POST(BodyPublishers.noBody()), ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    return resolve(started);
  }

  private HttpResponse<String> patch(URI upload, byte[] content, int from, int to)
      throws Exception {
    return send(
        HttpRequest.newBuilder(upload)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Range", from + "-" + (to - 1))
            .method("PATCH", BodyPublishers.ofByteArray(content, from, to - from)),
        ofString());
  }

  /** Closes the upload at {@code location} with no final body; answers the blob's digest. */
  private String finishUpload(URI location, byte[] content) throws Exception {
    String digest = OciImage.sha256(content);
    String separator = location.getRawQuery() == null ? "?" : "&";
    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(URI.create(location + separator + "digest=" + digest))
                .PUT(BodyPublishers.noBody()),
            ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).contains(digest);
    return digest;
  }

  /** POST with {@code ?digest=} and the whole body (end-4b); answers the digest. */
  private String pushMonolithic(String repository, byte[] content) throws Exception {
    String digest = OciImage.sha256(content);
    HttpResponse<String> pushed =
        send(
            request(repository + "/blobs/uploads/?digest=" + digest)
                .header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.ofByteArray(content)),
            ofString());
    assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
    return digest;
  }

  private byte[] blob(String repository, String digest) throws Exception {
    HttpResponse<byte[]> response =
        send(request(repository + "/blobs/" + digest).GET(), BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(example.uri().resolve(path));
  }

  private URI resolve(HttpResponse<?> response) {
    return example.uri().resolve(response.headers().firstValue("Location").orElseThrow());
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
      throws IOException, InterruptedException {
    return http.send(request.build(), body);
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return BodyHandlers.ofString(StandardCharsets.UTF_8);
  }

  private static byte[] content(int size, long seed) {
    byte[] content = new byte[size];
    new Random(seed).nextBytes(content);
    return content;
  }
}
