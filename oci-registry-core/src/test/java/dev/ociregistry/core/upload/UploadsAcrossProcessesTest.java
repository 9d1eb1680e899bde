package dev.ociregistry.core.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.filesystem.FileSystemBlobContent;
import dev.ociregistry.core.filesystem.FileSystemMetadata;
import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.core.internal.LayoutIndex;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.InProcessCoordination;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.core.testing.TestContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads whose requests reach different processes sharing one store: each process opens the
 * registry on the same metadata and content, as replicas do.
 */
class UploadsAcrossProcessesTest {
  private static final RepositoryName REPO = RepositoryName.parse("images/windows");

  @TempDir Path root;

  private final InProcessCoordination cluster = new InProcessCoordination();

  /** A process on the shared store; they all share one coordination, as replicas do. */
  private OciRegistry process() throws IOException {
    return process(RegistryOptions.defaults());
  }

  private OciRegistry process(RegistryOptions options) throws IOException {
    FileSystemStorage storage = new FileSystemStorage(root);
    LayoutIndex index = new LayoutIndex(storage);
    index.load(Map.of());
    return OciRegistry.open(
        new FileSystemMetadata(storage, index),
        new FileSystemBlobContent(storage),
        cluster,
        options);
  }

  @Test
  void anUploadAnotherProcessWritesToIsRefusedAndNeverExpired() throws Exception {
    try (OciRegistry one =
        process(RegistryOptions.defaults().withUploadTimeout(Duration.ofMillis(1)))) {
      String id = one.uploads().start(REPO).id();
      // Another process's request: a thread of its own takes the lock and lets it go.
      ExecutorService elsewhere = Executors.newSingleThreadExecutor();
      Coordination.Held held =
          elsewhere
              .submit(() -> cluster.tryLockUpload(id, Duration.ZERO).orElseThrow())
              .get(10, TimeUnit.SECONDS);
      try {
        assertThatThrownBy(
                () ->
                    one.uploads().append(REPO, id, 0, 1, new ByteArrayInputStream(new byte[] {1})))
            .isInstanceOfSatisfying(
                RegistryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOMANYREQUESTS));
        Thread.sleep(20);
        assertThat(one.uploads().expireStale()).isZero();
        assertThat(one.uploads().ids()).containsExactly(id);
      } finally {
        elsewhere.submit(held::close).get(10, TimeUnit.SECONDS);
        elsewhere.shutdown();
      }
      Thread.sleep(20);
      assertThat(one.uploads().expireStale()).isEqualTo(1);
    }
  }

  @Test
  void aCollectionWaitsForTheOneAnotherProcessRuns() throws Exception {
    try (OciRegistry one = process()) {
      Coordination.Held lease = cluster.tryCollectorLease(Duration.ZERO).orElseThrow();
      CompletableFuture<GcReport> waiting =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return one.garbageCollector().collect(GcOptions.withGracePeriod(Duration.ZERO));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      Thread.sleep(1500);
      assertThat(waiting).isNotDone();
      lease.close();
      assertThat(waiting.get(30, TimeUnit.SECONDS).blobsDeleted()).isZero();
    }
  }

  @Test
  void anUploadStartedInOneProcessIsFinishedInAnother() throws IOException {
    byte[] content = TestContent.bytes(300_000, 7);
    byte[] first = Arrays.copyOf(content, 100_000);
    byte[] rest = Arrays.copyOfRange(content, 100_000, content.length);
    try (OciRegistry one = process();
        OciRegistry other = process()) {
      String id = one.uploads().start(REPO).id();
      one.uploads().append(REPO, id, 0, first.length, new ByteArrayInputStream(first));

      assertThat(other.uploads().status(REPO, id).offset()).isEqualTo(first.length);
      other.uploads().append(REPO, id, first.length, rest.length, new ByteArrayInputStream(rest));
      other.uploads().complete(REPO, id, Digest.sha256(content), -1, -1, null);

      assertThat(one.blobs().stat(REPO, Digest.sha256(content)))
          .get()
          .extracting(blob -> blob.size())
          .isEqualTo((long) content.length);
      assertThat(one.uploads().ids()).isEmpty();
    }
  }

  @Test
  void anUploadFinishedInAnotherProcessFreesItsPlaceWhereItWasOpened() throws IOException {
    byte[] content = TestContent.bytes(1000, 8);
    try (OciRegistry one = process(RegistryOptions.defaults().withMaxOpenUploads(1, 1));
        OciRegistry other = process()) {
      String keptOpen = other.uploads().start(REPO).id();
      String moved = one.uploads().start(REPO).id();
      other.uploads().append(REPO, moved, 0, content.length, new ByteArrayInputStream(content));
      other.uploads().complete(REPO, moved, Digest.sha256(content), -1, -1, null);
      assertThat(other.uploads().openCount()).as("never counted where it ended").isEqualTo(1);
      assertThatThrownBy(() -> one.uploads().start(REPO))
          .as("its place is still taken where it was opened")
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOMANYREQUESTS));

      assertThat(one.uploads().expireStale()).isZero();
      assertThat(one.uploads().openCount()).isZero();
      assertThat(one.uploads().start(REPO).id()).isNotEqualTo(moved);
      other.uploads().expireStale();
      assertThat(other.uploads().status(REPO, keptOpen).offset()).isZero();
      assertThat(other.uploads().openCount()).isEqualTo(1);
    }
  }

  @Test
  void anUploadWhoseDataIsGoneIsUnknownToAnotherProcessAndDroppedAtTheNextOpen()
      throws IOException {
    String id;
    try (OciRegistry one = process()) {
      id = one.uploads().start(REPO).id();
    }
    Files.delete(root.resolve(LayoutKeys.uploadData(id)));
    try (OciRegistry other = process()) {
      assertThat(other.uploads().ids()).isEmpty();
      assertThat(other.uploads().openCount()).isZero();
      assertThatThrownBy(() -> other.uploads().status(REPO, id))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
    }
  }

  @Test
  void anUploadCancelledInOneProcessIsUnknownInAnother() throws IOException {
    try (OciRegistry one = process();
        OciRegistry other = process()) {
      String id = one.uploads().start(REPO).id();
      Files.delete(root.resolve(LayoutKeys.uploadData(id)));

      assertThatThrownBy(() -> other.uploads().status(REPO, id))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
      other.uploads().cancel(REPO, id);
      assertThat(one.uploads().ids()).isEmpty();
    }
  }
}
