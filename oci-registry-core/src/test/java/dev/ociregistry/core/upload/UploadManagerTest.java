package dev.ociregistry.core.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.HashingCopy;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.layout.StoredBlob;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.AppendableObject;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.core.testing.AppendFaults;
import dev.ociregistry.core.testing.ForwardingAppendable;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadManagerTest {
  private static final RepositoryName REPO = RepositoryName.parse("team/app");
  private static final RepositoryName OTHER = RepositoryName.parse("team/other");

  @TempDir Path root;

  @Test
  void startOpensEmptyUploadWithUuidId() throws IOException {
    try (OciRegistry registry = open()) {
      UploadStatus status = registry.uploads().start(REPO);

      assertThat(status.offset()).isZero();
      assertThat(status.repository()).isEqualTo(REPO);
      assertThat(UUID.fromString(status.id()).toString()).isEqualTo(status.id());
      assertThat(root.resolve(LayoutKeys.uploadData(status.id()))).isEmptyFile();
      assertThat(root.resolve(LayoutKeys.uploadState(status.id()))).isRegularFile();
      assertThat(registry.uploads().status(REPO, status.id()).offset()).isZero();
      assertThat(registry.uploads().start(REPO).id()).isNotEqualTo(status.id());
    }
  }

  @Test
  void appendsWithCorrectStartAdvanceTheOffset() throws IOException {
    byte[] content = Artifacts.content(30_000, 1);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();

      UploadStatus first = uploads.append(REPO, id, 0, 10_000, slice(content, 0, 10_000));
      UploadStatus second =
          uploads.append(REPO, id, 10_000, 20_000, slice(content, 10_000, 30_000));

      assertThat(first.offset()).isEqualTo(10_000);
      assertThat(second.offset()).isEqualTo(30_000);
      assertThat(uploads.status(REPO, id).offset()).isEqualTo(30_000);
      assertThat(root.resolve(LayoutKeys.uploadData(id))).hasBinaryContent(content);
    }
  }

  @Test
  void appendWithWrongStartReturns416AndKeepsOffsetAndData() throws IOException {
    byte[] content = Artifacts.content(2000, 2);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, 1000, slice(content, 0, 1000));

      assertRegistryError(
          () -> uploads.append(REPO, id, 1500, 500, slice(content, 1500, 2000)),
          ErrorCode.BLOB_UPLOAD_RANGE_INVALID);
      assertRegistryError(
          () -> uploads.append(REPO, id, 0, 1000, slice(content, 0, 1000)),
          ErrorCode.BLOB_UPLOAD_RANGE_INVALID);

      assertThat(ErrorCode.BLOB_UPLOAD_RANGE_INVALID.httpStatus()).isEqualTo(416);
      assertThat(uploads.status(REPO, id).offset()).isEqualTo(1000);
      assertThat(root.resolve(LayoutKeys.uploadData(id)))
          .hasBinaryContent(Arrays.copyOf(content, 1000));
      assertCompletesWithTheRest(uploads, id, content, 1000);
    }
  }

  @Test
  void declaredLengthLongerThanBodyFailsWithSizeInvalidAndChangesNothing() throws IOException {
    byte[] content = Artifacts.content(2000, 3);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, 1000, slice(content, 0, 1000));

      assertRegistryError(
          () -> uploads.append(REPO, id, 1000, 1500, slice(content, 1000, 2000)),
          ErrorCode.SIZE_INVALID);

      assertUploadHolds(registry, id, Arrays.copyOf(content, 1000));
      StoredBlob blob =
          uploads.complete(
              REPO, id, Digest.sha256(content), 1000, 1000, slice(content, 1000, 2000));
      assertThat(blob.digest()).isEqualTo(Digest.sha256(content));
    }
  }

  @Test
  void declaredLengthShorterThanBodyFailsWithSizeInvalidAndChangesNothing() throws IOException {
    byte[] content = Artifacts.content(2000, 4);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, 1000, slice(content, 0, 1000));

      assertRegistryError(
          () -> uploads.append(REPO, id, 1000, 400, slice(content, 1000, 2000)),
          ErrorCode.SIZE_INVALID);

      assertUploadHolds(registry, id, Arrays.copyOf(content, 1000));
      StoredBlob blob =
          uploads.complete(
              REPO, id, Digest.sha256(content), 1000, 1000, slice(content, 1000, 2000));
      assertThat(blob.digest()).isEqualTo(Digest.sha256(content));
    }
  }

  @Test
  void streamedAppendsWithoutStartOrLengthWork() throws IOException {
    byte[] content = Artifacts.content(700_000, 5);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();

      assertThat(uploads.append(REPO, id, -1, -1, slice(content, 0, 500_000)).offset())
          .isEqualTo(500_000);
      assertThat(uploads.append(REPO, id, -1, -1, slice(content, 500_000, 700_000)).offset())
          .isEqualTo(700_000);

      StoredBlob blob = uploads.complete(REPO, id, Digest.sha256(content), -1, -1, null);
      assertThat(blob).isEqualTo(new StoredBlob(Digest.sha256(content), 700_000));
      assertThat(root.resolve(LayoutKeys.blob(Digest.sha256(content)))).hasBinaryContent(content);
    }
  }

  @Test
  void completeWithDigestAndNoFinalChunkPublishesBlob() throws IOException {
    byte[] content = Artifacts.content(5000, 6);
    Digest digest = Digest.sha256(content);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, content.length, new ByteArrayInputStream(content));

      StoredBlob blob = uploads.complete(REPO, id, digest, -1, -1, null);

      assertThat(blob).isEqualTo(new StoredBlob(digest, content.length));
      assertThat(root.resolve(LayoutKeys.blob(digest))).hasBinaryContent(content);
      assertThat(registry.blobs().stat(REPO, digest)).contains(blob);
      assertThat(root.resolve(LayoutKeys.upload(id))).doesNotExist();
      assertRegistryError(() -> uploads.status(REPO, id), ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
  }

  @Test
  void completeWithFinalChunkPublishesWholeBlob() throws IOException {
    byte[] content = Artifacts.content(5000, 7);
    Digest digest = Digest.sha256(content);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, 3000, slice(content, 0, 3000));

      StoredBlob blob = uploads.complete(REPO, id, digest, 3000, 2000, slice(content, 3000, 5000));

      assertThat(blob).isEqualTo(new StoredBlob(digest, 5000));
      assertThat(root.resolve(LayoutKeys.blob(digest))).hasBinaryContent(content);
      assertThat(root.resolve(LayoutKeys.upload(id))).doesNotExist();
    }
  }

  @Test
  void monolithicCompleteOfFreshUploadPublishesBlob() throws IOException {
    byte[] content = Artifacts.content(5000, 8);
    Digest digest = Digest.sha256(content);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();

      StoredBlob blob =
          uploads.complete(REPO, id, digest, -1, content.length, new ByteArrayInputStream(content));

      assertThat(blob).isEqualTo(new StoredBlob(digest, 5000));
      assertThat(registry.blobs().stat(REPO, digest)).contains(blob);
    }
  }

  @Test
  void completeWithWrongDigestFailsAndDiscardsUpload() throws IOException {
    byte[] content = Artifacts.content(5000, 9);
    Digest wrong = Digest.sha256(Artifacts.utf8("not this"));
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, content.length, new ByteArrayInputStream(content));

      assertRegistryError(
          () -> uploads.complete(REPO, id, wrong, -1, -1, null), ErrorCode.DIGEST_INVALID);

      assertRegistryError(() -> uploads.status(REPO, id), ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertRegistryError(
          () -> uploads.complete(REPO, id, Digest.sha256(content), -1, -1, null),
          ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertThat(root.resolve(LayoutKeys.upload(id))).doesNotExist();
      assertThat(root.resolve(LayoutKeys.blob(wrong))).doesNotExist();
      assertThat(root.resolve(LayoutKeys.blob(Digest.sha256(content)))).doesNotExist();
    }
  }

  @Test
  void completeWithSha512DigestPublishesUnderSha512() throws IOException {
    byte[] content = Artifacts.content(40_000, 10);
    Digest digest = Digest.of(DigestAlgorithm.SHA512, content);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, 25_000, slice(content, 0, 25_000));

      StoredBlob blob =
          uploads.complete(REPO, id, digest, 25_000, 15_000, slice(content, 25_000, 40_000));

      assertThat(blob).isEqualTo(new StoredBlob(digest, 40_000));
      assertThat(root.resolve("blobs/sha512/" + digest.hex())).hasBinaryContent(content);
      assertThat(registry.blobs().stat(REPO, digest)).contains(blob);
    }
  }

  @Test
  void cancelDiscardsUploadAndLaterCallsFailWithUploadUnknown() throws IOException {
    byte[] content = Artifacts.content(1000, 11);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, 1000, new ByteArrayInputStream(content));

      uploads.cancel(REPO, id);

      assertThat(root.resolve(LayoutKeys.upload(id))).doesNotExist();
      assertRegistryError(() -> uploads.status(REPO, id), ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertRegistryError(
          () -> uploads.append(REPO, id, 1000, 1, new ByteArrayInputStream(new byte[1])),
          ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertRegistryError(
          () -> uploads.complete(REPO, id, Digest.sha256(content), -1, -1, null),
          ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertRegistryError(() -> uploads.cancel(REPO, id), ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertThat(uploads.ids()).doesNotContain(id);
    }
  }

  @Test
  void uploadIdUsedFromAnotherRepositoryIsUnknownThereAndUntouched() throws IOException {
    byte[] content = Artifacts.content(1000, 12);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, 1000, new ByteArrayInputStream(content));

      assertRegistryError(() -> uploads.status(OTHER, id), ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertRegistryError(
          () -> uploads.append(OTHER, id, 1000, 1, new ByteArrayInputStream(new byte[1])),
          ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertRegistryError(
          () -> uploads.complete(OTHER, id, Digest.sha256(content), -1, -1, null),
          ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertRegistryError(() -> uploads.cancel(OTHER, id), ErrorCode.BLOB_UPLOAD_UNKNOWN);

      assertThat(registry.blobs().stat(OTHER, Digest.sha256(content))).isEmpty();
      assertUploadHolds(registry, id, content);
    }
  }

  @Test
  void uploadIdFromAnotherRepositoryIsUnknownAfterRestartToo() throws IOException {
    String id;
    try (OciRegistry registry = open()) {
      id = registry.uploads().start(REPO).id();
    }
    try (OciRegistry registry = open()) {
      assertRegistryError(
          () -> registry.uploads().status(OTHER, id), ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertThat(registry.uploads().status(REPO, id).offset()).isZero();
    }
  }

  @Test
  void malformedOrUnknownIdsFailWithUploadUnknown() throws IOException {
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String real = uploads.start(REPO).id();
      Digest digest = Digest.sha256(new byte[0]);
      for (String id :
          new String[] {
            "../x",
            "",
            null,
            "../" + real,
            real + "/../" + real,
            real.toUpperCase(java.util.Locale.ROOT),
            UUID.randomUUID().toString()
          }) {
        assertRegistryError(() -> uploads.status(REPO, id), ErrorCode.BLOB_UPLOAD_UNKNOWN);
        assertRegistryError(
            () -> uploads.append(REPO, id, -1, -1, new ByteArrayInputStream(new byte[1])),
            ErrorCode.BLOB_UPLOAD_UNKNOWN);
        assertRegistryError(
            () -> uploads.complete(REPO, id, digest, -1, -1, null), ErrorCode.BLOB_UPLOAD_UNKNOWN);
        assertRegistryError(() -> uploads.cancel(REPO, id), ErrorCode.BLOB_UPLOAD_UNKNOWN);
      }
      assertThat(uploads.status(REPO, real).offset()).isZero();
    }
  }

  @Test
  void expireStaleRemovesUploadIdleLongerThanTimeout() throws IOException {
    RegistryOptions options = RegistryOptions.defaults().withUploadTimeout(Duration.ofSeconds(1));
    try (OciRegistry registry = OciRegistry.open(root, options)) {
      UploadManager uploads = registry.uploads();
      String stale = uploads.start(REPO).id();
      uploads.append(REPO, stale, 0, 100, new ByteArrayInputStream(Artifacts.content(100, 13)));
      ageUpload(stale, Duration.ofHours(1));

      assertThat(uploads.expireStale()).isEqualTo(1);

      assertThat(root.resolve(LayoutKeys.upload(stale))).doesNotExist();
      assertRegistryError(() -> uploads.status(REPO, stale), ErrorCode.BLOB_UPLOAD_UNKNOWN);
      assertThat(uploads.expireStale()).isZero();
    }
  }

  @Test
  void expireStaleKeepsRecentlyActiveUploads() throws IOException {
    // A one-minute timeout keeps the fresh upload fresh however slow the machine is.
    RegistryOptions options = RegistryOptions.defaults().withUploadTimeout(Duration.ofMinutes(1));
    try (OciRegistry registry = OciRegistry.open(root, options)) {
      UploadManager uploads = registry.uploads();
      String stale = uploads.start(REPO).id();
      String fresh = uploads.start(REPO).id();
      uploads.append(REPO, fresh, 0, 10, new ByteArrayInputStream(Artifacts.content(10, 14)));
      ageUpload(stale, Duration.ofHours(1));

      assertThat(uploads.expireStale()).isEqualTo(1);

      assertThat(uploads.ids()).containsExactly(fresh);
      assertThat(uploads.status(REPO, fresh).offset()).isEqualTo(10);
      assertRegistryError(() -> uploads.status(REPO, stale), ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
  }

  @Test
  void expireStaleRemovesStaleUploadLeftByAnEarlierRun() throws IOException {
    RegistryOptions options = RegistryOptions.defaults().withUploadTimeout(Duration.ofSeconds(1));
    String stale;
    try (OciRegistry registry = OciRegistry.open(root, options)) {
      stale = registry.uploads().start(REPO).id();
      registry.uploads().append(REPO, stale, 0, 5, new ByteArrayInputStream(new byte[5]));
    }
    ageUpload(stale, Duration.ofHours(1));
    try (OciRegistry registry = OciRegistry.open(root, options)) {
      assertThat(registry.uploads().expireStale()).isEqualTo(1);

      assertThat(root.resolve(LayoutKeys.upload(stale))).doesNotExist();
      assertRegistryError(
          () -> registry.uploads().status(REPO, stale), ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
  }

  @Test
  void streamFailingAfterNBytesKeepsExactlyThoseBytes() throws IOException {
    byte[] content = Artifacts.content(500_000, 15);
    int failAfter = 300_000;
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();

      assertThatThrownBy(
              () -> uploads.append(REPO, id, 0, -1, new FailingStream(content, failAfter)))
          .isInstanceOf(IOException.class);

      assertThat(uploads.status(REPO, id).offset()).isEqualTo(failAfter);
      assertUploadHolds(registry, id, Arrays.copyOf(content, failAfter));
      assertCompletesWithTheRest(uploads, id, content, failAfter);
    }
  }

  @Test
  void writeFailureThatCannotBeCutBackIsCutBackOnTheNextUse() throws IOException {
    int b = HashingCopy.BUFFER_SIZE;
    byte[] content = Artifacts.content(4 * b, 17);
    AppendFaults storage = new AppendFaults(new FileSystemStorage(root), HalfWriteThenStuck::new);
    try (OciRegistry registry = OciRegistry.open(storage, RegistryOptions.defaults())) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      Path data = root.resolve(LayoutKeys.uploadData(id));

      assertThatThrownBy(
              () -> uploads.append(REPO, id, 0, content.length, new ByteArrayInputStream(content)))
          .isInstanceOfSatisfying(
              HashingCopy.Interrupted.class,
              e -> {
                assertThat(e.storageFailed()).isTrue();
                assertThat(e.getCause().getSuppressed()).isNotEmpty();
              });
      assertThat(Files.size(data)).isEqualTo(b + b / 2);
      storage.heal();

      // What was acknowledged (nothing) is the truth; the failed chunk goes on the next append.
      assertThat(uploads.status(REPO, id).offset()).isZero();
      uploads.append(REPO, id, 0, 0, new ByteArrayInputStream(new byte[0]));
      assertThat(Files.size(data)).isZero();
      assertCompletesWithTheRest(uploads, id, content, 0);
    }
  }

  @Test
  void aChunkTheDiskHasNoRoomForIsDroppedWholeAndItsSpaceGivenBack() throws IOException {
    int b = HashingCopy.BUFFER_SIZE;
    byte[] content = Artifacts.content(4 * b, 21);
    AppendFaults storage =
        new AppendFaults(
            new FileSystemStorage(root),
            file ->
                new ForwardingAppendable(file) {
                  @Override
                  public int write(ByteBuffer source) throws IOException {
                    if (size() >= 2L * b) {
                      throw new IOException("No space left on device");
                    }
                    return super.write(source);
                  }
                });
    try (OciRegistry registry = OciRegistry.open(storage, RegistryOptions.defaults())) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, b, slice(content, 0, b));
      Path data = root.resolve(LayoutKeys.uploadData(id));

      assertThatThrownBy(() -> uploads.append(REPO, id, b, 3L * b, slice(content, b, 4 * b)))
          .isInstanceOf(HashingCopy.Interrupted.class)
          .hasMessageContaining("No space left on device");

      assertThat(Files.size(data)).isEqualTo(b);
      assertThat(uploads.status(REPO, id).offset()).isEqualTo(b);
      storage.heal();
      assertCompletesWithTheRest(uploads, id, content, b);
    }
  }

  @Test
  void openUploadsAreCappedInTotalAndPerRepositoryAndCountedAgainAfterARestart()
      throws IOException {
    RegistryOptions options = RegistryOptions.defaults().withMaxOpenUploads(3, 2);
    String first;
    try (OciRegistry registry = OciRegistry.open(root, options)) {
      UploadManager uploads = registry.uploads();
      first = uploads.start(REPO).id();
      uploads.start(REPO);

      assertRegistryError(() -> uploads.start(REPO), ErrorCode.TOOMANYREQUESTS);
      uploads.start(OTHER);
      assertRegistryError(() -> uploads.start(OTHER), ErrorCode.TOOMANYREQUESTS);
      assertThat(uploads.openCount()).isEqualTo(3);
    }
    try (OciRegistry registry = OciRegistry.open(root, options)) {
      UploadManager uploads = registry.uploads();
      assertThat(uploads.openCount()).isEqualTo(3);
      assertRegistryError(() -> uploads.start(OTHER), ErrorCode.TOOMANYREQUESTS);

      uploads.cancel(REPO, first);

      assertThat(uploads.openCount()).isEqualTo(2);
      assertThat(uploads.start(OTHER).offset()).isZero();
    }
  }

  @Test
  void completedAndExpiredUploadsNoLongerCountAsOpen() throws IOException {
    RegistryOptions options =
        RegistryOptions.defaults()
            .withMaxOpenUploads(1, 1)
            .withUploadTimeout(Duration.ofSeconds(1));
    try (OciRegistry registry = OciRegistry.open(root, options)) {
      UploadManager uploads = registry.uploads();
      byte[] content = Artifacts.content(100, 22);
      String id = uploads.start(REPO).id();
      uploads.complete(REPO, id, Digest.sha256(content), 0, 100, slice(content, 0, 100));
      String stale = uploads.start(REPO).id();
      ageUpload(stale, Duration.ofHours(1));

      assertThat(uploads.expireStale()).isEqualTo(1);
      assertThat(uploads.openCount()).isZero();
      assertThat(uploads.start(REPO).offset()).isZero();
    }
  }

  @Test
  void aSecondRequestToAnUploadBeingWrittenIsRefusedRatherThanKeptWaiting() throws Exception {
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      CountDownLatch reading = new CountDownLatch(1);
      CountDownLatch clientDone = new CountDownLatch(1);
      InputStream slowBody =
          new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
              reading.countDown();
              if (sent == 10) {
                await(clientDone);
                return -1;
              }
              sent++;
              return 'x';
            }
          };
      CompletableFuture<UploadStatus> first =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return uploads.append(REPO, id, 0, -1, slowBody);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();

      assertRegistryError(
          () -> uploads.append(REPO, id, -1, 1, slice(new byte[1], 0, 1)),
          ErrorCode.TOOMANYREQUESTS);
      assertRegistryError(() -> uploads.cancel(REPO, id), ErrorCode.TOOMANYREQUESTS);
      clientDone.countDown();
      assertThat(first.get(30, TimeUnit.SECONDS).offset()).isEqualTo(10);
    }
  }

  private static void await(CountDownLatch latch) throws IOException {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
  }

  @Test
  void rejectedChunkWhoseCutBackFailsLeavesTheUploadHashIntact() throws IOException {
    byte[] content = Artifacts.content(2000, 18);
    AppendFaults storage =
        new AppendFaults(
            new FileSystemStorage(root),
            file ->
                new ForwardingAppendable(file) {
                  @Override
                  public void truncate(long size) throws IOException {
                    throw new IOException("Read-only file system");
                  }
                });
    try (OciRegistry registry = OciRegistry.open(storage, RegistryOptions.defaults())) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, 1000, slice(content, 0, 1000));

      assertThatThrownBy(
              () ->
                  uploads.append(
                      REPO, id, 1000, 1500, new ByteArrayInputStream(Artifacts.content(1000, 19))))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SIZE_INVALID);
                assertThat(e.getSuppressed()).hasSize(1);
              });
      storage.heal();

      long offset = uploads.status(REPO, id).offset();
      assertCompletesWithTheRest(uploads, id, content, offset);
    }
  }

  @Test
  void uploadResumesFromReportedOffsetAfterStreamFailure() throws IOException {
    byte[] content = Artifacts.content(500_000, 16);
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, 1000, slice(content, 0, 1000));

      assertThatThrownBy(
              () ->
                  uploads.append(
                      REPO,
                      id,
                      1000,
                      -1,
                      new FailingStream(slice(content, 1000, 500_000), 300_000)))
          .isInstanceOf(IOException.class);

      // Whatever was kept, the offset, the data and the running hash agree.
      long offset = uploads.status(REPO, id).offset();
      assertThat(offset).isBetween(1000L, 301_000L);
      assertUploadHolds(registry, id, Arrays.copyOf(content, (int) offset));
      assertCompletesWithTheRest(uploads, id, content, offset);
      assertThat(root.resolve(LayoutKeys.blob(Digest.sha256(content)))).hasBinaryContent(content);
    }
  }

  @Test
  void theBytesOpenUploadsHoldAreCountedAndCountedAgainAfterARestart() throws IOException {
    byte[] content = Artifacts.content(5000, 23);
    String held;
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      assertThat(uploads.openBytes()).isZero();
      held = uploads.start(REPO).id();
      uploads.append(REPO, held, 0, 3000, slice(content, 0, 3000));
      String other = uploads.start(OTHER).id();
      uploads.append(OTHER, other, 0, 1000, slice(content, 0, 1000));
      assertThat(uploads.openBytes()).isEqualTo(4000);

      uploads.complete(
          OTHER, other, Digest.sha256(Arrays.copyOfRange(content, 0, 1000)), -1, -1, null);
      assertThat(uploads.openBytes()).isEqualTo(3000);
    }
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      assertThat(uploads.openBytes()).as("from the data file, before it is hashed").isEqualTo(3000);
      uploads.append(REPO, held, 3000, 2000, slice(content, 3000, 5000));
      assertThat(uploads.openBytes()).isEqualTo(5000);
    }
  }

  @Test
  void uploadResumesAfterRestart() throws IOException {
    byte[] content = Artifacts.content(900_000, 17);
    Digest digest = Digest.sha256(content);
    String id;
    try (OciRegistry registry = open()) {
      id = registry.uploads().start(REPO).id();
      registry.uploads().append(REPO, id, 0, 400_000, slice(content, 0, 400_000));
      registry.uploads().append(REPO, id, 400_000, 200_000, slice(content, 400_000, 600_000));
    }

    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      assertThat(uploads.status(REPO, id).offset()).isEqualTo(600_000);
      assertRegistryError(
          () -> uploads.append(REPO, id, 0, 10, slice(content, 0, 10)),
          ErrorCode.BLOB_UPLOAD_RANGE_INVALID);

      assertThat(
              uploads.append(REPO, id, 600_000, 200_000, slice(content, 600_000, 800_000)).offset())
          .isEqualTo(800_000);
      StoredBlob blob =
          uploads.complete(REPO, id, digest, 800_000, 100_000, slice(content, 800_000, 900_000));

      assertThat(blob).isEqualTo(new StoredBlob(digest, content.length));
      assertThat(root.resolve(LayoutKeys.blob(digest))).hasBinaryContent(content);
      assertThat(registry.blobs().stat(REPO, digest)).contains(blob);
    }
  }

  @Test
  void uploadCompletesAfterRestartWithoutFurtherData() throws IOException {
    byte[] content = Artifacts.content(300_000, 18);
    Digest digest = Digest.sha256(content);
    String id;
    try (OciRegistry registry = open()) {
      id = registry.uploads().start(REPO).id();
      registry.uploads().append(REPO, id, -1, -1, new ByteArrayInputStream(content));
    }

    try (OciRegistry registry = open()) {
      StoredBlob blob = registry.uploads().complete(REPO, id, digest, -1, -1, null);

      assertThat(blob).isEqualTo(new StoredBlob(digest, content.length));
    }
  }

  @Test
  void largeStreamedUploadCompletesWithRightDigest() throws IOException {
    long size = 64L * 1024 * 1024;
    Digest digest = Digest.parse(Digests.sha256(new GeneratedStream(size)));
    try (OciRegistry registry = open()) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();

      assertThat(uploads.append(REPO, id, -1, -1, new GeneratedStream(size)).offset())
          .isEqualTo(size);
      StoredBlob blob = uploads.complete(REPO, id, digest, -1, -1, null);

      assertThat(blob).isEqualTo(new StoredBlob(digest, size));
      assertThat(Files.size(root.resolve(LayoutKeys.blob(digest)))).isEqualTo(size);
      assertThat(root.resolve(LayoutKeys.upload(id))).doesNotExist();
    }
  }

  private OciRegistry open() throws IOException {
    return OciRegistry.open(root, RegistryOptions.defaults());
  }

  private void ageUpload(String id, Duration age) throws IOException {
    FileTime past = FileTime.from(Instant.now().minus(age));
    Files.setLastModifiedTime(root.resolve(LayoutKeys.uploadData(id)), past);
    Files.setLastModifiedTime(root.resolve(LayoutKeys.uploadState(id)), past);
  }

  private void assertUploadHolds(OciRegistry registry, String id, byte[] expected)
      throws IOException {
    assertThat(registry.uploads().status(REPO, id).offset()).isEqualTo(expected.length);
    assertThat(root.resolve(LayoutKeys.uploadData(id))).hasBinaryContent(expected);
  }

  /** Completes the upload with {@code content} from {@code offset} on, and checks the blob. */
  private static void assertCompletesWithTheRest(
      UploadManager uploads, String id, byte[] content, long offset) throws IOException {
    StoredBlob blob =
        uploads.complete(
            REPO,
            id,
            Digest.sha256(content),
            offset,
            content.length - offset,
            slice(content, (int) offset, content.length));
    assertThat(blob).isEqualTo(new StoredBlob(Digest.sha256(content), content.length));
  }

  private static InputStream slice(byte[] content, int from, int to) {
    return new ByteArrayInputStream(content, from, to - from);
  }

  private static void assertRegistryError(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  /** Hands out the bytes of {@code content}, then fails after {@code failAfter} of them. */
  private static final class FailingStream extends InputStream {
    private final byte[] content;
    private final int failAfter;
    private int position;

    FailingStream(byte[] content, int failAfter) {
      this.content = content;
      this.failAfter = failAfter;
    }

    FailingStream(InputStream content, int failAfter) throws IOException {
      this(content.readAllBytes(), failAfter);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (position >= failAfter) {
        throw new IOException("connection reset after " + position + " bytes");
      }
      int count = Math.min(Math.min(length, 8192), failAfter - position);
      System.arraycopy(content, position, buffer, offset, count);
      position += count;
      return count;
    }
  }

  /** {@code size} deterministic bytes made on the fly, never held in memory. */
  private static final class GeneratedStream extends InputStream {
    private final long size;
    private long position;

    GeneratedStream(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      if (position >= size) {
        return -1;
      }
      return byteAt(position++);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (position >= size) {
        return -1;
      }
      int count = (int) Math.min(length, size - position);
      for (int i = 0; i < count; i++) {
        buffer[offset + i] = (byte) byteAt(position + i);
      }
      position += count;
      return count;
    }

    private static int byteAt(long index) {
      long mixed = index * 0x9E3779B97F4A7C15L;
      return (int) ((mixed >>> 56) ^ (index >>> 12)) & 0xff;
    }
  }

  /**
   * Accepts one write, writes half of the next before the disk fills, and cannot truncate: the
   * object keeps bytes that were never accepted.
   */
  private static final class HalfWriteThenStuck extends ForwardingAppendable {
    private int writes;

    HalfWriteThenStuck(AppendableObject file) {
      super(file);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      writes++;
      if (writes == 2) {
        ByteBuffer half = source.duplicate();
        half.limit(half.position() + source.remaining() / 2);
        int written = super.write(half);
        source.position(source.position() + written);
        return written;
      }
      if (writes > 2) {
        throw new IOException("No space left on device");
      }
      return super.write(source);
    }

    @Override
    public void truncate(long size) throws IOException {
      throw new IOException("Read-only file system");
    }
  }
}
