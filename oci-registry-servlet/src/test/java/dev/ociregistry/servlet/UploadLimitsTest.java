package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Pushes.describe;
import static dev.ociregistry.servlet.testing.Pushes.errorCode;
import static dev.ociregistry.servlet.testing.RawHttp.writeChunk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.servlet.testing.Http;
import dev.ociregistry.servlet.testing.Pushes;
import dev.ociregistry.servlet.testing.RegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload slots (429 {@code TOOMANYREQUESTS} beyond the cap) and the per-request upload time
 * limit, after which what arrived stays and the upload resumes.
 */
class UploadLimitsTest {
  /** One buffer of the server's copy loop: what is written to disk before the body ends. */
  private static final int SERVER_BUFFER = 256 * 1024;

  /**
   * Applies to every request of a test, not only the slow one: long enough that a stalled server
   * thread on a busy machine does not cut off the requests that should succeed.
   */
  private static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(1);

  /** More than one server buffer, so that one is surely written while the client keeps a few. */
  private static final int HOLDING_BYTES = SERVER_BUFFER + 64 * 1024;

  @TempDir Path root;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private RegistryServer server;
  private Http http;
  private Pushes pushes;

  private void start(ServletOptions options) throws Exception {
    server = RegistryServer.start(root, RegistryOptions.defaults(), options);
    http = new Http(server.base());
    pushes = new Pushes(http);
  }

  @AfterEach
  void stop() throws Exception {
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void uploadsBeyondTheCapGet429WithRetryAfterUntilTheHeldOneFinishes() throws Exception {
    start(ServletOptions.defaults().withMaxConcurrentUploads(1));
    byte[] held = Pushes.content(2 * SERVER_BUFFER, 1);
    String heldLocation = pushes.startUpload("app/web");
    Pushes.Feed feed = new Pushes.Feed();
    CompletableFuture<HttpResponse<byte[]>> holding = streamPatch(heldLocation, feed);
    feed.send(Arrays.copyOf(held, HOLDING_BYTES));
    awaitStored(heldLocation, SERVER_BUFFER);

    byte[] other = "another blob".getBytes();
    String otherLocation = pushes.startUpload("app/web");
    HttpResponse<byte[]> patch = http.patch(otherLocation, "0-11", other);
    HttpResponse<byte[]> monolithic =
        http.post("/v2/app/web/blobs/uploads/?digest=" + Digest.sha256(other), other);
    HttpResponse<byte[]> finalChunk =
        http.put(otherLocation + "?digest=" + Digest.sha256(other), null, other);

    for (HttpResponse<byte[]> refused : java.util.List.of(patch, monolithic, finalChunk)) {
      assertThat(refused.statusCode()).as(describe(refused)).isEqualTo(429);
      assertThat(errorCode(refused)).isEqualTo("TOOMANYREQUESTS");
      assertThat(refused.headers().firstValue("Retry-After"))
          .hasValueSatisfying(seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
    }
    assertThat(http.get(otherLocation).headers().firstValue("Range")).hasValue("0-0");

    feed.send(Arrays.copyOfRange(held, HOLDING_BYTES, held.length));
    feed.finish();
    HttpResponse<byte[]> finished = holding.get(30, TimeUnit.SECONDS);
    assertThat(finished.statusCode()).as(describe(finished)).isEqualTo(202);
    assertThat(finished.headers().firstValue("Range")).hasValue("0-" + (held.length - 1));

    HttpResponse<byte[]> retried = http.patch(otherLocation, "0-11", other);
    assertThat(retried.statusCode()).isEqualTo(202);
    assertThat(
            http.post("/v2/app/web/blobs/uploads/?digest=" + Digest.sha256(other), other)
                .statusCode())
        .isEqualTo(201);
    assertThat(
            http.put(heldLocation + "?digest=" + Digest.sha256(held), null, new byte[0])
                .statusCode())
        .isEqualTo(201);
    assertThat(http.get("/v2/app/web/blobs/" + Digest.sha256(held)).body()).isEqualTo(held);
  }

  @Test
  void requestsThatStreamNoDataNeedNoSlot() throws Exception {
    start(ServletOptions.defaults().withMaxConcurrentUploads(1));
    Pushes.Blob stored = pushes.blob("app/other", "stored before");
    String heldLocation = pushes.startUpload("app/web");
    Pushes.Feed feed = new Pushes.Feed();
    CompletableFuture<HttpResponse<byte[]>> holding = streamPatch(heldLocation, feed);
    feed.send(Pushes.content(HOLDING_BYTES, 2));
    awaitStored(heldLocation, SERVER_BUFFER);

    HttpResponse<byte[]> started = http.post("/v2/app/web/blobs/uploads/", new byte[0]);
    String location = started.headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> status = http.get(location);
    HttpResponse<byte[]> cancelled = http.delete(location);
    HttpResponse<byte[]> mounted =
        http.post(
            "/v2/app/web/blobs/uploads/?mount=" + stored.digest() + "&from=app/other", new byte[0]);
    HttpResponse<byte[]> read = http.get("/v2/app/other/blobs/" + stored.digest());

    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(cancelled.statusCode()).isEqualTo(204);
    assertThat(mounted.statusCode()).isEqualTo(201);
    assertThat(read.statusCode()).isEqualTo(200);
    feed.finish();
    assertThat(holding.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
  }

  @Test
  void slowPatchIsCutOffAtTheUploadTimeoutAndTheUploadResumes() throws Exception {
    start(ServletOptions.defaults().withUploadTimeout(UPLOAD_TIMEOUT));
    byte[] content = Pushes.content(5000, 3);
    String location = pushes.startUpload("app/web");

    int sent = slowPatch(location, content);

    HttpResponse<byte[]> status = http.get(location);
    assertThat(status.statusCode()).as(describe(status)).isEqualTo(204);
    long offset = offsetOf(status);
    assertThat(offset).isLessThanOrEqualTo(sent).isLessThan(content.length);
    HttpResponse<byte[]> rest =
        http.patch(
            location,
            offset + "-" + (content.length - 1),
            Arrays.copyOfRange(content, (int) offset, content.length));
    assertThat(rest.statusCode()).as(describe(rest)).isEqualTo(202);
    HttpResponse<byte[]> closed =
        http.put(location + "?digest=" + Digest.sha256(content), null, new byte[0]);
    assertThat(closed.statusCode()).as(describe(closed)).isEqualTo(201);
    assertThat(http.get("/v2/app/web/blobs/" + Digest.sha256(content)).body()).isEqualTo(content);
  }

  @Test
  void bytesThatArrivedBeforeTheUploadTimeoutStayStored() throws Exception {
    start(ServletOptions.defaults().withUploadTimeout(UPLOAD_TIMEOUT));
    byte[] content = Pushes.content(5000, 4);
    String location = pushes.startUpload("app/web");

    slowPatch(location, content);

    HttpResponse<byte[]> status = http.get(location);
    assertThat(status.statusCode()).isEqualTo(204);
    // The first 1000 bytes were sent at once, well inside the time limit.
    assertThat(offsetOf(status)).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void uploadSlotIsReleasedAfterATimedOutPatch() throws Exception {
    start(ServletOptions.defaults().withMaxConcurrentUploads(1).withUploadTimeout(UPLOAD_TIMEOUT));
    byte[] content = Pushes.content(5000, 5);
    String location = pushes.startUpload("app/web");

    slowPatch(location, content);

    byte[] other = "after the timeout".getBytes();
    HttpResponse<byte[]> response =
        http.post("/v2/app/web/blobs/uploads/?digest=" + Digest.sha256(other), other);
    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
  }

  /**
   * Streams {@code content} slowly, straight onto a socket so that every byte is surely on the wire
   * when the test says so: 1000 bytes at once, then, after the time limit has passed, 1000 more,
   * then 100 bytes every 100 ms until the server answers or closes. The deliberate pauses are the
   * point of the test.
   *
   * @return how many bytes were sent
   */
  private int slowPatch(String location, byte[] content) throws Exception {
    try (Socket socket = new Socket(server.base().getHost(), server.base().getPort())) {
      socket.setSoTimeout(100);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PATCH "
                  + location
                  + " HTTP/1.1\r\nHost: "
                  + server.hostPort()
                  + "\r\nContent-Type: application/octet-stream\r\n"
                  + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      writeChunk(out, content, 0, 1000);
      Thread.sleep(UPLOAD_TIMEOUT.multipliedBy(2).toMillis());
      writeChunk(out, content, 1000, 2000);
      int sent = 2000;
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      boolean closed = false;
      while (!closed && !answer.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
        assertThat(System.nanoTime() - giveUp).as("server answered in time").isNegative();
        try {
          int read = in.read(buffer);
          if (read < 0) {
            closed = true;
          } else {
            answer.write(buffer, 0, read);
          }
        } catch (SocketTimeoutException e) {
          // nothing yet: send a little more
        } catch (IOException e) {
          closed = true;
        }
        if (!closed && sent + 100 <= content.length) {
          try {
            writeChunk(out, content, sent, sent + 100);
            sent += 100;
          } catch (IOException e) {
            // the server stopped reading; its answer may still be readable
          }
        }
      }
      String head = answer.toString(StandardCharsets.ISO_8859_1);
      if (head.startsWith("HTTP/1.1 ")) {
        int status = Integer.parseInt(head.substring(9, 12));
        assertThat(status).as(head).isNotEqualTo(202).isLessThan(500);
      }
      assertThat(sent).as("cut off before the whole body was sent").isLessThan(content.length);
      return sent;
    }
  }

  private CompletableFuture<HttpResponse<byte[]>> streamPatch(String location, Pushes.Feed feed) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return http.patchStreamed(location, () -> feed);
          } catch (IOException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        },
        executor);
  }

  /** Waits until the upload's data file on disk holds at least {@code bytes} bytes. */
  private void awaitStored(String location, long bytes) throws InterruptedException {
    Path data =
        root.resolve("uploads")
            .resolve(location.substring(location.lastIndexOf('/') + 1))
            .resolve("data");
    Pushes.await(
        bytes + " bytes stored in " + data,
        () -> {
          try {
            return Files.exists(data) && Files.size(data) >= bytes;
          } catch (IOException e) {
            return false;
          }
        });
  }

  private static long offsetOf(HttpResponse<byte[]> status) {
    String range = status.headers().firstValue("Range").orElseThrow();
    assertThat(range).startsWith("0-");
    long last = Long.parseLong(range.substring(2));
    return last == 0 ? 0 : last + 1;
  }
}
