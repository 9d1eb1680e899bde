package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Responses.describe;
import static dev.ociregistry.servlet.testing.Responses.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.servlet.testing.Feed;
import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.servlet.testing.SlowUpload;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upload slots (429 {@code TOOMANYREQUESTS} beyond the cap) and the per-request upload time
 * limit, after which what arrived stays and the upload resumes.
 */
class UploadLimitsTest extends RegistryTestBase {
  /** One buffer of the server's copy loop: what is written to disk before the body ends. */
  private static final int SERVER_BUFFER = 256 * 1024;

  /**
   * Applies to every request of a test, not only the slow one: long enough that a stalled server
   * thread on a busy machine does not cut off the requests that should succeed.
   */
  private static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(1);

  /** More than one server buffer, so that one is surely written while the client keeps a few. */
  private static final int HOLDING_BYTES = SERVER_BUFFER + 64 * 1024;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<String> refusedRepositories = new CopyOnWriteArrayList<>();

  @Override
  protected RegistryListener listener() {
    return new RegistryListener() {
      @Override
      public void uploadRefused(RepositoryName repository) {
        refusedRepositories.add(repository.value());
      }
    };
  }

  /** Ends what a test left streaming; the registry stops after this. */
  @AfterEach
  void stopStreams() throws Exception {
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void uploadsBeyondTheCapThatMayNotWaitGet429WithRetryAfterUntilTheHeldOneFinishes()
      throws Exception {
    start(
        ServletOptions.defaults()
            .withMaxConcurrentUploads(1)
            .withUploadQueueTimeout(java.time.Duration.ZERO));
    byte[] held = Artifacts.content(2 * SERVER_BUFFER, 1);
    String heldLocation = pusher.startUpload("app/web");
    Feed feed = new Feed();
    CompletableFuture<TestHttp.Response> holding = streamPatch(heldLocation, feed);
    feed.send(Arrays.copyOf(held, HOLDING_BYTES));
    awaitStored(heldLocation, SERVER_BUFFER);

    byte[] other = "another blob".getBytes();
    String otherLocation = pusher.startUpload("app/web");
    TestHttp.Response patch = http.patch(otherLocation, "0-11", other);
    TestHttp.Response monolithic =
        http.post("/v2/app/web/blobs/uploads/?digest=" + Digests.sha256(other), other);
    TestHttp.Response finalChunk =
        http.put(otherLocation + "?digest=" + Digests.sha256(other), null, other);

    for (TestHttp.Response refused : java.util.List.of(patch, monolithic, finalChunk)) {
      assertThat(refused.status()).as(describe(refused)).isEqualTo(429);
      assertThat(errorCode(refused)).isEqualTo("TOOMANYREQUESTS");
      assertThat(refused.header("Retry-After"))
          .hasValueSatisfying(seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
    }
    assertThat(http.get(otherLocation).header("Range")).hasValue("0-0");

    feed.send(Arrays.copyOfRange(held, HOLDING_BYTES, held.length));
    feed.finish();
    TestHttp.Response finished = holding.get(30, TimeUnit.SECONDS);
    assertThat(finished.status()).as(describe(finished)).isEqualTo(202);
    assertThat(finished.header("Range")).hasValue("0-" + (held.length - 1));

    TestHttp.Response retried = http.patch(otherLocation, "0-11", other);
    assertThat(retried.status()).isEqualTo(202);
    assertThat(
            http.post("/v2/app/web/blobs/uploads/?digest=" + Digests.sha256(other), other).status())
        .isEqualTo(201);
    assertThat(
            http.put(heldLocation + "?digest=" + Digests.sha256(held), null, new byte[0]).status())
        .isEqualTo(201);
    assertThat(http.get("/v2/app/web/blobs/" + Digests.sha256(held)).body()).isEqualTo(held);
  }

  @Test
  void uploadsBeyondTheCapWaitTheirTurnAndSucceedOnceASlotIsFree() throws Exception {
    start(ServletOptions.defaults().withMaxConcurrentUploads(1));
    byte[] held = Artifacts.content(2 * SERVER_BUFFER, 3);
    String heldLocation = pusher.startUpload("app/web");
    Feed feed = new Feed();
    CompletableFuture<TestHttp.Response> holding = streamPatch(heldLocation, feed);
    feed.send(Arrays.copyOf(held, HOLDING_BYTES));
    awaitStored(heldLocation, SERVER_BUFFER);

    byte[] other = "waits its turn".getBytes();
    CompletableFuture<TestHttp.Response> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return http.post(
                    "/v2/app/web/blobs/uploads/?digest=" + Digests.sha256(other), other);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            executor);
    Await.holdsFor(
        "the second upload waits while the slot is held",
        java.time.Duration.ofMillis(500),
        () -> !waiting.isDone());

    feed.send(Arrays.copyOfRange(held, HOLDING_BYTES, held.length));
    feed.finish();
    assertThat(holding.get(30, TimeUnit.SECONDS).status()).isEqualTo(202);
    TestHttp.Response admitted = waiting.get(30, TimeUnit.SECONDS);
    assertThat(admitted.status()).as(describe(admitted)).isEqualTo(201);
    assertThat(http.get("/v2/app/web/blobs/" + Digests.sha256(other)).body()).isEqualTo(other);
  }

  @Test
  void moreUploadsThanMayWaitAreAnswered429AtOnceAndTheWaitingOnesSucceed() throws Exception {
    start(ServletOptions.defaults().withMaxConcurrentUploads(1));
    String heldLocation = pusher.startUpload("app/web");
    Feed feed = new Feed();
    CompletableFuture<TestHttp.Response> holding = streamPatch(heldLocation, feed);
    feed.send(Artifacts.content(HOLDING_BYTES, 5));
    awaitStored(heldLocation, SERVER_BUFFER);

    int extra = 6;
    java.util.List<CompletableFuture<TestHttp.Response>> uploads = new java.util.ArrayList<>();
    for (int i = 0; i < ServletOptions.MAX_WAITING_UPLOADS + extra; i++) {
      byte[] content = ("upload " + i).getBytes();
      uploads.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return http.post(
                      "/v2/app/many/blobs/uploads/?digest=" + Digests.sha256(content), content);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              },
              executor));
    }
    Await.until(
        "the uploads beyond the waiting room to be refused",
        () -> uploads.stream().filter(CompletableFuture::isDone).count() >= extra);

    feed.finish();
    assertThat(holding.get(30, TimeUnit.SECONDS).status()).isEqualTo(202);
    long created = 0;
    long refused = 0;
    for (CompletableFuture<TestHttp.Response> upload : uploads) {
      int status = upload.get(60, TimeUnit.SECONDS).status();
      created += status == 201 ? 1 : 0;
      refused += status == 429 ? 1 : 0;
    }
    assertThat(refused).isEqualTo(extra);
    assertThat(created).isEqualTo(ServletOptions.MAX_WAITING_UPLOADS);
  }

  @Test
  void anUploadThatWaitedLongerThanTheQueueTimeoutGets429() throws Exception {
    start(
        ServletOptions.defaults()
            .withMaxConcurrentUploads(1)
            .withUploadQueueTimeout(java.time.Duration.ofMillis(300)));
    String heldLocation = pusher.startUpload("app/web");
    Feed feed = new Feed();
    CompletableFuture<TestHttp.Response> holding = streamPatch(heldLocation, feed);
    feed.send(Artifacts.content(HOLDING_BYTES, 4));
    awaitStored(heldLocation, SERVER_BUFFER);

    long started = System.nanoTime();
    byte[] other = "gives up".getBytes();
    TestHttp.Response refused =
        http.post("/v2/app/web/blobs/uploads/?digest=" + Digests.sha256(other), other);

    assertThat(refused.status()).as(describe(refused)).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isPresent();
    assertThat(refusedRepositories).as("the listener was told").containsExactly("app/web");
    assertThat(System.nanoTime() - started)
        .as("it waited for the queue timeout first")
        .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(300).toNanos());
    feed.finish();
    assertThat(holding.get(30, TimeUnit.SECONDS).status()).isEqualTo(202);
  }

  @Test
  void requestsThatStreamNoDataNeedNoSlot() throws Exception {
    start(ServletOptions.defaults().withMaxConcurrentUploads(1));
    Blob stored = pusher.blob("app/other", Artifacts.layer("stored before"));
    String heldLocation = pusher.startUpload("app/web");
    Feed feed = new Feed();
    CompletableFuture<TestHttp.Response> holding = streamPatch(heldLocation, feed);
    feed.send(Artifacts.content(HOLDING_BYTES, 2));
    awaitStored(heldLocation, SERVER_BUFFER);

    TestHttp.Response started = http.post("/v2/app/web/blobs/uploads/", new byte[0]);
    String location = started.header("Location").orElseThrow();
    TestHttp.Response status = http.get(location);
    TestHttp.Response cancelled = http.delete(location);
    TestHttp.Response mounted =
        http.post(
            "/v2/app/web/blobs/uploads/?mount=" + stored.digest() + "&from=app/other", new byte[0]);
    TestHttp.Response read = http.get("/v2/app/other/blobs/" + stored.digest());

    assertThat(started.status()).isEqualTo(202);
    assertThat(status.status()).isEqualTo(204);
    assertThat(cancelled.status()).isEqualTo(204);
    assertThat(mounted.status()).isEqualTo(201);
    assertThat(read.status()).isEqualTo(200);
    feed.finish();
    assertThat(holding.get(30, TimeUnit.SECONDS).status()).isEqualTo(202);
  }

  @Test
  void slowPatchIsCutOffAtTheUploadTimeoutAndTheUploadResumes() throws Exception {
    start(ServletOptions.defaults().withUploadTimeout(UPLOAD_TIMEOUT));
    byte[] content = Artifacts.content(5000, 3);
    String location = pusher.startUpload("app/web");

    int sent = slowPatch(location, content);

    TestHttp.Response status = http.get(location);
    assertThat(status.status()).as(describe(status)).isEqualTo(204);
    long offset = offsetOf(status);
    assertThat(offset).isLessThanOrEqualTo(sent).isLessThan(content.length);
    TestHttp.Response rest =
        http.patch(
            location,
            offset + "-" + (content.length - 1),
            Arrays.copyOfRange(content, (int) offset, content.length));
    assertThat(rest.status()).as(describe(rest)).isEqualTo(202);
    TestHttp.Response closed =
        http.put(location + "?digest=" + Digests.sha256(content), null, new byte[0]);
    assertThat(closed.status()).as(describe(closed)).isEqualTo(201);
    assertThat(http.get("/v2/app/web/blobs/" + Digests.sha256(content)).body()).isEqualTo(content);
  }

  @Test
  void bytesThatArrivedBeforeTheUploadTimeoutStayStored() throws Exception {
    start(ServletOptions.defaults().withUploadTimeout(UPLOAD_TIMEOUT));
    byte[] content = Artifacts.content(5000, 4);
    String location = pusher.startUpload("app/web");

    slowPatch(location, content);

    TestHttp.Response status = http.get(location);
    assertThat(status.status()).isEqualTo(204);
    // The first 1000 bytes were sent at once, well inside the time limit.
    assertThat(offsetOf(status)).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void uploadSlotIsReleasedAfterATimedOutPatch() throws Exception {
    start(ServletOptions.defaults().withMaxConcurrentUploads(1).withUploadTimeout(UPLOAD_TIMEOUT));
    byte[] content = Artifacts.content(5000, 5);
    String location = pusher.startUpload("app/web");

    slowPatch(location, content);

    byte[] other = "after the timeout".getBytes();
    TestHttp.Response response =
        http.post("/v2/app/web/blobs/uploads/?digest=" + Digests.sha256(other), other);
    assertThat(response.status()).as(describe(response)).isEqualTo(201);
  }

  /**
   * Streams {@code content} with a {@link SlowUpload}: 1000 bytes at once, then, after twice the
   * time limit, 100 bytes every 100 ms until the server answers or closes; the server must refuse
   * the request (not 202) without failing (no 5xx) before the whole body went out.
   *
   * @return how many bytes were sent
   */
  private int slowPatch(String location, byte[] content) throws Exception {
    SlowUpload.Result result =
        SlowUpload.patch(server.base(), location, "", content, UPLOAD_TIMEOUT.multipliedBy(2));
    if (result.response().status() > 0) {
      assertThat(result.response().status())
          .as(result.response().toString())
          .isNotEqualTo(202)
          .isLessThan(500);
    }
    assertThat(result.sent())
        .as("cut off before the whole body was sent")
        .isLessThan(content.length);
    return result.sent();
  }

  private CompletableFuture<TestHttp.Response> streamPatch(String location, Feed feed) {
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
  private void awaitStored(String location, long bytes) {
    Path data =
        root.resolve("uploads")
            .resolve(location.substring(location.lastIndexOf('/') + 1))
            .resolve("data");
    Await.until(
        bytes + " bytes stored in " + data,
        () -> {
          try {
            return Files.exists(data) && Files.size(data) >= bytes;
          } catch (IOException e) {
            return false;
          }
        });
  }

  private static long offsetOf(TestHttp.Response status) {
    String range = status.header("Range").orElseThrow();
    assertThat(range).startsWith("0-");
    long last = Long.parseLong(range.substring(2));
    return last == 0 ? 0 : last + 1;
  }

  @Test
  void openingMoreUploadsThanTheRepositoryMayHoldIsRefusedWith429UntilOneCloses() throws Exception {
    start(RegistryOptions.defaults().withMaxOpenUploads(10, 2), ServletOptions.defaults());
    String first = pusher.startUpload("capped/repo");
    pusher.startUpload("capped/repo");

    TestHttp.Response refused = http.post("/v2/capped/repo/blobs/uploads/", new byte[0]);

    assertThat(refused.status()).as(describe(refused)).isEqualTo(429);
    assertThat(errorCode(refused)).isEqualTo("TOOMANYREQUESTS");
    assertThat(refused.header("Retry-After")).isPresent();
    assertThat(http.post("/v2/capped/other/blobs/uploads/", new byte[0]).status()).isEqualTo(202);
    assertThat(http.delete(first).status()).isEqualTo(204);
    assertThat(http.post("/v2/capped/repo/blobs/uploads/", new byte[0]).status()).isEqualTo(202);
  }
}
