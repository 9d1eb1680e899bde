package dev.ociregistry.core.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.testing.TestContent;
import dev.ociregistry.core.upload.UploadStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {
  private static final RepositoryName REPO = RepositoryName.parse("team/app");
  private static final RepositoryName OTHER = RepositoryName.parse("team/other");
  private static final Duration GRACE = Duration.ofMinutes(10);
  private static final GcOptions DEFAULT = GcOptions.withGracePeriod(GRACE);
  private static final GcOptions DELETE_UNTAGGED = new GcOptions(GRACE, true, false);

  @TempDir Path root;

  /** A pushed image manifest over one config and one layer. */
  private record Image(byte[] config, byte[] layer, byte[] body) {
    Digest digest() {
      return Digest.sha256(body);
    }

    Digest configDigest() {
      return Digest.sha256(config);
    }

    Digest layerDigest() {
      return Digest.sha256(layer);
    }

    long totalBytes() {
      return config.length + layer.length + body.length;
    }
  }

  // ---------------------------------------------------------------- unreferenced blobs

  @Test
  void unreferencedBlobOlderThanGraceIsDeletedWithItsLinksAndCounted() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] content = TestContent.bytes(1234, 1);
      Digest digest = TestContent.pushBlob(registry, REPO, content).digest();
      TestContent.pushBlob(registry, OTHER, content);
      makeOld(digest);

      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted()).isEqualTo(1);
      assertThat(report.bytesFreed()).isEqualTo(1234);
      assertThat(report.manifestsDeleted()).isZero();
      assertThat(report.dryRun()).isFalse();
      assertThat(blobFile(digest)).doesNotExist();
      assertThat(blobLink(REPO, digest)).doesNotExist();
      assertThat(blobLink(OTHER, digest)).doesNotExist();
      assertThat(registry.blobs().stat(REPO, digest)).isEmpty();
      assertThat(registry.blobs().stat(OTHER, digest)).isEmpty();
    }
  }

  @Test
  void unreferencedBlobYoungerThanGraceIsKept() throws IOException {
    try (OciRegistry registry = open()) {
      Digest digest = TestContent.pushBlob(registry, REPO, TestContent.bytes(100, 2)).digest();
      setAge(blobFile(digest), GRACE.minusMinutes(5));

      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted()).isZero();
      assertThat(report.bytesFreed()).isZero();
      assertThat(blobFile(digest)).exists();
      assertThat(blobLink(REPO, digest)).exists();
      assertThat(registry.blobs().stat(REPO, digest)).isPresent();
    }
  }

  @Test
  void headOnOldUnreferencedBlobProtectsItFromTheNextRun() throws IOException {
    try (OciRegistry registry = open()) {
      Digest digest = TestContent.pushBlob(registry, REPO, TestContent.bytes(300, 3)).digest();
      makeOld(digest);

      assertThat(registry.blobs().statAndRefresh(REPO, digest)).isPresent();
      GcReport protectedRun = registry.garbageCollector().collect(DEFAULT);

      assertThat(protectedRun.blobsDeleted()).isZero();
      assertThat(blobFile(digest)).exists();
      assertThat(registry.blobs().stat(REPO, digest)).isPresent();

      makeOld(digest);
      GcReport laterRun = registry.garbageCollector().collect(DEFAULT);

      assertThat(laterRun.blobsDeleted()).isEqualTo(1);
      assertThat(blobFile(digest)).doesNotExist();
    }
  }

  // ---------------------------------------------------------------- manifests as roots

  @Test
  void blobsOfTaggedManifestAreKeptHoweverOld() throws IOException {
    try (OciRegistry registry = open()) {
      Image image = pushImage(registry, REPO, "v1", 10);
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted()).isZero();
      assertImagePresent(registry, REPO, image);
      assertThat(registry.manifests().get(REPO, Reference.of(Tag.parse("v1")))).isPresent();
    }
  }

  @Test
  void blobsOfUntaggedManifestAreKeptByDefault() throws IOException {
    try (OciRegistry registry = open()) {
      Image image = pushImage(registry, REPO, null, 11);
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted()).isZero();
      assertThat(report.manifestsDeleted()).isZero();
      assertImagePresent(registry, REPO, image);
    }
  }

  @Test
  void deletedManifestLosesItsOldBlobsAndItsOwnManifestBlob() throws IOException {
    try (OciRegistry registry = open()) {
      Image image = pushImage(registry, REPO, "v1", 12);
      registry.manifests().delete(REPO, image.digest());
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted()).isEqualTo(3);
      assertThat(report.bytesFreed()).isEqualTo(image.totalBytes());
      assertThat(report.manifestsDeleted()).isZero();
      assertThat(blobFile(image.digest())).doesNotExist();
      assertThat(blobFile(image.configDigest())).doesNotExist();
      assertThat(blobFile(image.layerDigest())).doesNotExist();
      assertThat(blobLink(REPO, image.configDigest())).doesNotExist();
      assertThat(blobLink(REPO, image.layerDigest())).doesNotExist();
    }
  }

  @Test
  void blobSharedWithAnotherLiveManifestSurvivesDeletionOfTheFirst() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] shared = TestContent.bytes(2048, 13);
      byte[] firstConfig = TestContent.bytes(40, 14);
      byte[] secondConfig = TestContent.bytes(41, 15);
      TestContent.pushBlob(registry, REPO, shared);
      TestContent.pushBlob(registry, REPO, firstConfig);
      TestContent.pushBlob(registry, REPO, secondConfig);
      byte[] first = TestContent.imageManifest(firstConfig, List.of(shared), Map.of());
      byte[] second = TestContent.imageManifest(secondConfig, List.of(shared), Map.of());
      putManifest(registry, REPO, "first", first);
      putManifest(registry, REPO, "second", second);
      registry.manifests().delete(REPO, Digest.sha256(first));
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted()).isEqualTo(2);
      assertThat(report.bytesFreed()).isEqualTo(firstConfig.length + first.length);
      assertThat(blobFile(Digest.sha256(first))).doesNotExist();
      assertThat(blobFile(Digest.sha256(firstConfig))).doesNotExist();
      assertImagePresent(registry, REPO, new Image(secondConfig, shared, second));
    }
  }

  @Test
  void sharedBlobInAnotherRepositoryKeepsItsLinkThere() throws IOException {
    try (OciRegistry registry = open()) {
      Image mine = pushImage(registry, REPO, "v1", 16);
      TestContent.pushBlob(registry, OTHER, mine.config());
      TestContent.pushBlob(registry, OTHER, mine.layer());
      putManifest(registry, OTHER, "v1", mine.body());
      registry.manifests().delete(REPO, mine.digest());
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted()).isZero();
      assertImagePresent(registry, OTHER, mine);
    }
  }

  @Test
  void indexChildrenAreKeptThroughTheIndex() throws IOException {
    try (OciRegistry registry = open()) {
      Image amd64 = pushImage(registry, REPO, null, 20);
      Image arm64 = pushImage(registry, REPO, null, 21);
      byte[] index = TestContent.imageIndex(List.of(amd64.body(), arm64.body()), Map.of());
      putIndex(registry, REPO, "multi", index);
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted()).isZero();
      assertThat(blobFile(Digest.sha256(index))).exists();
      assertImagePresent(registry, REPO, amd64);
      assertImagePresent(registry, REPO, arm64);
    }
  }

  // ---------------------------------------------------------------- pins

  @Test
  void pinRequiresTheDigestToBeAManifestOrBlobOfTheRepository() throws IOException {
    try (OciRegistry registry = open()) {
      Image image = pushImage(registry, REPO, "v1", 30);
      Digest unknown = Digest.sha256(TestContent.utf8("never pushed"));

      assertThatThrownBy(() -> registry.pins().pin("job-1", REPO, unknown))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN));
      assertThatThrownBy(() -> registry.pins().pin("job-1", OTHER, image.digest()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN));
      assertThatThrownBy(() -> registry.pins().pin("bad/id", REPO, image.digest()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(registry.pins().list()).isEmpty();

      Pin pin = registry.pins().pin("job-1", REPO, image.digest());
      assertThat(pin).isEqualTo(new Pin("job-1", REPO, image.digest()));
      assertThat(registry.pins().get("job-1")).contains(pin);
    }
  }

  @Test
  void pinnedManifestCannotBeDeletedAndKeepsItsBlobsAfterItsTagMoved() throws IOException {
    try (OciRegistry registry = open()) {
      Image old = pushImage(registry, REPO, "stable", 31);
      registry.pins().pin("job-1", REPO, old.digest());
      Image current = pushImage(registry, REPO, "stable", 32);
      assertThatThrownBy(() -> registry.manifests().delete(REPO, old.digest()))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DENIED);
                assertThat(e.getMessage()).contains("job-1");
              });
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted())
          .as("nothing may be deleted while the old manifest is pinned")
          .isZero();
      assertThat(blobFile(old.digest())).exists();
      assertThat(blobFile(old.configDigest())).exists();
      assertThat(blobFile(old.layerDigest())).exists();
      assertImagePresent(registry, REPO, current);
    }
  }

  @Test
  void pinnedBlobIsKeptHoweverOld() throws IOException {
    try (OciRegistry registry = open()) {
      Digest digest = TestContent.pushBlob(registry, REPO, TestContent.bytes(64, 33)).digest();
      registry.pins().pin("keep-blob", REPO, digest);
      makeOld(digest);

      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted()).isZero();
      assertThat(registry.blobs().stat(REPO, digest)).isPresent();
    }
  }

  @Test
  void unpinnedDeletedManifestBecomesCollectable() throws IOException {
    try (OciRegistry registry = open()) {
      Image old = pushImage(registry, REPO, "stable", 34);
      registry.pins().pin("job-1", REPO, old.digest());
      pushImage(registry, REPO, "stable", 35);

      assertThat(registry.pins().unpin("job-1")).isTrue();
      registry.manifests().delete(REPO, old.digest());
      assertThat(registry.pins().unpin("job-1")).isFalse();
      assertThat(registry.pins().list()).isEmpty();
      makeEverythingOld();
      GcReport report = registry.garbageCollector().collect(DEFAULT);

      assertThat(report.blobsDeleted()).isEqualTo(3);
      assertThat(report.bytesFreed()).isEqualTo(old.totalBytes());
      assertThat(blobFile(old.digest())).doesNotExist();
      assertThat(blobFile(old.configDigest())).doesNotExist();
      assertThat(blobFile(old.layerDigest())).doesNotExist();
    }
  }

  // ---------------------------------------------------------------- deleteUntagged

  @Test
  void deleteUntaggedDeletesOldUntaggedManifestAndSweepsItsBlobs() throws IOException {
    try (OciRegistry registry = open()) {
      Image untagged = pushImage(registry, REPO, null, 40);
      Image tagged = pushImage(registry, REPO, "v1", 41);
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DELETE_UNTAGGED);

      assertThat(report.manifestsDeleted()).isEqualTo(1);
      assertThat(report.blobsDeleted()).isEqualTo(3);
      assertThat(report.bytesFreed()).isEqualTo(untagged.totalBytes());
      assertThat(manifestLink(REPO, untagged.digest())).doesNotExist();
      assertThat(registry.manifests().get(REPO, Reference.of(untagged.digest()))).isEmpty();
      assertThat(blobFile(untagged.digest())).doesNotExist();
      assertThat(blobFile(untagged.configDigest())).doesNotExist();
      assertThat(blobFile(untagged.layerDigest())).doesNotExist();
      assertImagePresent(registry, REPO, tagged);
    }
  }

  @Test
  void deleteUntaggedKeepsYoungUntaggedManifest() throws IOException {
    try (OciRegistry registry = open()) {
      Image young = pushImage(registry, REPO, null, 42);
      makeBlobsOld();
      setAge(manifestLink(REPO, young.digest()), GRACE.minusMinutes(5));

      GcReport report = registry.garbageCollector().collect(DELETE_UNTAGGED);

      assertThat(report.manifestsDeleted()).isZero();
      assertThat(report.blobsDeleted()).isZero();
      assertImagePresent(registry, REPO, young);
    }
  }

  @Test
  void deleteUntaggedKeepsPinnedManifest() throws IOException {
    try (OciRegistry registry = open()) {
      Image pinned = pushImage(registry, REPO, null, 43);
      registry.pins().pin("release", REPO, pinned.digest());
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DELETE_UNTAGGED);

      assertThat(report.manifestsDeleted()).isZero();
      assertThat(report.blobsDeleted()).isZero();
      assertImagePresent(registry, REPO, pinned);
    }
  }

  @Test
  void deleteUntaggedKeepsChildrenOfTaggedIndex() throws IOException {
    try (OciRegistry registry = open()) {
      Image amd64 = pushImage(registry, REPO, null, 44);
      Image arm64 = pushImage(registry, REPO, null, 45);
      byte[] index = TestContent.imageIndex(List.of(amd64.body(), arm64.body()), Map.of());
      putIndex(registry, REPO, "multi", index);
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DELETE_UNTAGGED);

      assertThat(report.manifestsDeleted()).isZero();
      assertThat(report.blobsDeleted()).isZero();
      assertImagePresent(registry, REPO, amd64);
      assertImagePresent(registry, REPO, arm64);
      assertThat(registry.manifests().get(REPO, Reference.of(Tag.parse("multi")))).isPresent();
    }
  }

  @Test
  void deleteUntaggedDeletesOldUntaggedIndexWithItsUntaggedChildren() throws IOException {
    try (OciRegistry registry = open()) {
      Image amd64 = pushImage(registry, REPO, null, 46);
      Image arm64 = pushImage(registry, REPO, null, 47);
      byte[] index = TestContent.imageIndex(List.of(amd64.body(), arm64.body()), Map.of());
      registry
          .manifests()
          .put(REPO, Reference.of(Digest.sha256(index)), index, MediaTypes.OCI_INDEX);
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DELETE_UNTAGGED);

      assertThat(report.manifestsDeleted()).isEqualTo(3);
      assertThat(report.blobsDeleted()).isEqualTo(7);
      assertThat(report.bytesFreed())
          .isEqualTo(amd64.totalBytes() + arm64.totalBytes() + index.length);
      assertThat(blobFile(Digest.sha256(index))).doesNotExist();
      assertThat(blobFile(amd64.layerDigest())).doesNotExist();
      assertThat(blobFile(arm64.layerDigest())).doesNotExist();
    }
  }

  @Test
  void deleteUntaggedKeepsReferrerOfTaggedManifest() throws IOException {
    try (OciRegistry registry = open()) {
      Image subject = pushImage(registry, REPO, "v1", 48);
      Image signature = pushReferrer(registry, subject, 49);
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DELETE_UNTAGGED);

      assertThat(report.manifestsDeleted()).isZero();
      assertThat(report.blobsDeleted()).isZero();
      assertImagePresent(registry, REPO, subject);
      assertImagePresent(registry, REPO, signature);
      assertThat(registry.manifests().referrers(REPO, subject.digest(), Optional.empty()))
          .extracting(descriptor -> descriptor.digest())
          .containsExactly(signature.digest());
    }
  }

  @Test
  void deleteUntaggedDeletesReferrerOfOldUntaggedSubjectWithIt() throws IOException {
    try (OciRegistry registry = open()) {
      Image subject = pushImage(registry, REPO, null, 50);
      Image signature = pushReferrer(registry, subject, 51);
      makeEverythingOld();

      GcReport report = registry.garbageCollector().collect(DELETE_UNTAGGED);

      assertThat(report.manifestsDeleted()).isEqualTo(2);
      assertThat(report.blobsDeleted()).isEqualTo(6);
      assertThat(registry.manifests().get(REPO, Reference.of(signature.digest()))).isEmpty();
      assertThat(registry.manifests().get(REPO, Reference.of(subject.digest()))).isEmpty();
      assertThat(blobFile(signature.layerDigest())).doesNotExist();
      assertThat(blobFile(subject.layerDigest())).doesNotExist();
    }
  }

  // ---------------------------------------------------------------- dry run

  @Test
  void dryRunReportsWhatARealRunDeletesAndDeletesNothing() throws IOException {
    try (OciRegistry registry = open()) {
      Image kept = pushImage(registry, REPO, "v1", 60);
      Image deleted = pushImage(registry, REPO, "doomed", 61);
      registry.manifests().delete(REPO, deleted.digest());
      Image untagged = pushImage(registry, REPO, null, 62);
      byte[] garbage = TestContent.bytes(777, 63);
      TestContent.pushBlob(registry, OTHER, garbage);
      makeEverythingOld();
      Map<String, Long> before = snapshot();

      GcReport dry = registry.garbageCollector().collect(new GcOptions(GRACE, true, true));

      assertThat(dry.dryRun()).isTrue();
      assertThat(snapshot()).isEqualTo(before);
      assertThat(registry.manifests().get(REPO, Reference.of(untagged.digest()))).isPresent();
      assertThat(registry.blobs().stat(OTHER, Digest.sha256(garbage))).isPresent();

      GcReport real = registry.garbageCollector().collect(DELETE_UNTAGGED);

      assertThat(real.dryRun()).isFalse();
      assertThat(real.manifestsDeleted()).isEqualTo(1);
      assertThat(real.blobsDeleted()).isEqualTo(7);
      assertThat(real.bytesFreed())
          .isEqualTo(deleted.totalBytes() + untagged.totalBytes() + garbage.length);
      assertThat(dry.manifestsDeleted()).isEqualTo(real.manifestsDeleted());
      assertThat(dry.blobsDeleted()).isEqualTo(real.blobsDeleted());
      assertThat(dry.bytesFreed()).isEqualTo(real.bytesFreed());
      assertImagePresent(registry, REPO, kept);
    }
  }

  // ---------------------------------------------------------------- uploads, report, concurrency

  @Test
  void uploadsInProgressAreNeverTouched() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] content = TestContent.bytes(4096, 70);
      UploadStatus started = registry.uploads().start(REPO);
      registry
          .uploads()
          .append(REPO, started.id(), 0, 1000, new ByteArrayInputStream(content, 0, 1000));
      Digest garbage = TestContent.pushBlob(registry, REPO, TestContent.bytes(10, 71)).digest();
      makeEverythingOld();
      Map<String, Long> uploadsBefore = snapshot(root.resolve("uploads"));
      try (Stream<Path> files = Files.walk(root.resolve("uploads"))) {
        for (Path file : files.toList()) {
          Files.setLastModifiedTime(file, longAgo());
        }
      }

      GcReport report =
          registry.garbageCollector().collect(GcOptions.withGracePeriod(Duration.ZERO));

      assertThat(report.blobsDeleted()).isEqualTo(1);
      assertThat(blobFile(garbage)).doesNotExist();
      assertThat(snapshot(root.resolve("uploads"))).isEqualTo(uploadsBefore);
      assertThat(registry.uploads().status(REPO, started.id()).offset()).isEqualTo(1000);
      Digest digest = Digest.sha256(content);
      registry
          .uploads()
          .complete(
              REPO,
              started.id(),
              digest,
              1000,
              content.length - 1000,
              new ByteArrayInputStream(content, 1000, content.length - 1000));
      assertThat(read(registry, REPO, digest)).isEqualTo(content);
    }
  }

  @Test
  void reportDurationIsNonNegative() throws IOException {
    try (OciRegistry registry = open()) {
      pushImage(registry, REPO, "v1", 80);
      TestContent.pushBlob(registry, REPO, TestContent.bytes(50, 81));
      makeEverythingOld();

      GcReport empty = registry.garbageCollector().collect(DEFAULT);
      GcReport again = registry.garbageCollector().collect(new GcOptions(GRACE, true, true));

      assertThat(empty.duration()).isNotNull();
      assertThat(empty.duration().isNegative()).isFalse();
      assertThat(again.duration()).isNotNull();
      assertThat(again.duration().isNegative()).isFalse();
      assertThat(registry.garbageCollector().isRunning()).isFalse();
    }
  }

  @Test
  void concurrentCollectsWithSameOptionsBothReportAndDoNotInterleave() throws Exception {
    int garbageCount = 300;
    try (OciRegistry registry = open()) {
      Image kept = pushImage(registry, REPO, "v1", 90);
      long garbageBytes = 0;
      for (int i = 0; i < garbageCount; i++) {
        byte[] content = TestContent.bytes(16 + i, 1000 + i);
        writeBlobDirectly(i % 2 == 0 ? REPO : OTHER, content);
        garbageBytes += content.length;
      }
      makeEverythingOld();

      ExecutorService pool = Executors.newFixedThreadPool(2);
      GcReport first;
      GcReport second;
      try {
        CyclicBarrier barrier = new CyclicBarrier(2);
        Future<GcReport> a =
            pool.submit(
                () -> {
                  barrier.await();
                  return registry.garbageCollector().collect(DEFAULT);
                });
        Future<GcReport> b =
            pool.submit(
                () -> {
                  barrier.await();
                  return registry.garbageCollector().collect(DEFAULT);
                });
        first = a.get(60, TimeUnit.SECONDS);
        second = b.get(60, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }

      assertThat(first).isNotNull();
      assertThat(second).isNotNull();
      boolean joined = first.equals(second) && first.blobsDeleted() == garbageCount;
      boolean oneAfterTheOther =
          List.of(first.blobsDeleted(), second.blobsDeleted()).stream()
                  .sorted()
                  .toList()
                  .equals(List.of(0L, (long) garbageCount))
              && first.bytesFreed() + second.bytesFreed() == garbageBytes;
      assertThat(joined || oneAfterTheOther)
          .as("runs joined or ran one after the other: %s and %s", first, second)
          .isTrue();
      if (joined) {
        assertThat(first.bytesFreed()).isEqualTo(garbageBytes);
      }
      try (Stream<Path> blobs = Files.list(root.resolve("blobs/sha256"))) {
        assertThat(blobs.count()).isEqualTo(3);
      }
      assertImagePresent(registry, REPO, kept);
      assertThat(registry.garbageCollector().isRunning()).isFalse();
    }
  }

  @Test
  void registryStaysUsableForPushAndPullAfterGc() throws IOException {
    try (OciRegistry registry = open()) {
      Image image = pushImage(registry, REPO, "v1", 100);
      registry.manifests().delete(REPO, image.digest());
      makeEverythingOld();
      GcReport report = registry.garbageCollector().collect(DEFAULT);
      assertThat(report.blobsDeleted()).isEqualTo(3);
      assertThat(registry.blobs().stat(REPO, image.layerDigest())).isEmpty();

      Image again = pushImage(registry, REPO, "v1", 100);
      Image fresh = pushImage(registry, OTHER, "latest", 101);

      assertThat(again.digest()).isEqualTo(image.digest());
      assertImagePresent(registry, REPO, again);
      assertImagePresent(registry, OTHER, fresh);
      assertThat(
              registry.manifests().get(REPO, Reference.of(Tag.parse("v1"))).orElseThrow().content())
          .isEqualTo(image.body());
      assertThat(registry.garbageCollector().collect(DEFAULT).blobsDeleted()).isZero();
    }
  }

  // ---------------------------------------------------------------- helpers

  private OciRegistry open() throws IOException {
    return OciRegistry.open(root, RegistryOptions.defaults());
  }

  private Image pushImage(OciRegistry registry, RepositoryName repository, String tag, long seed)
      throws IOException {
    byte[] config = TestContent.bytes(32 + (int) (seed % 16), seed * 31 + 1);
    byte[] layer = TestContent.bytes(1024 + (int) (seed % 512), seed * 31 + 2);
    TestContent.pushBlob(registry, repository, config);
    TestContent.pushBlob(registry, repository, layer);
    byte[] body = TestContent.imageManifest(config, List.of(layer), Map.of());
    putManifest(registry, repository, tag, body);
    return new Image(config, layer, body);
  }

  private Image pushReferrer(OciRegistry registry, Image subject, long seed) throws IOException {
    byte[] config = TestContent.bytes(20, seed * 31 + 1);
    byte[] layer = TestContent.bytes(200, seed * 31 + 2);
    TestContent.pushBlob(registry, REPO, config);
    TestContent.pushBlob(registry, REPO, layer);
    byte[] body =
        TestContent.imageManifest(config, List.of(layer), TestContent.subject(subject.body()));
    putManifest(registry, REPO, null, body);
    return new Image(config, layer, body);
  }

  private static void putManifest(
      OciRegistry registry, RepositoryName repository, String tag, byte[] body) throws IOException {
    Reference reference =
        tag == null ? Reference.of(Digest.sha256(body)) : Reference.of(Tag.parse(tag));
    registry.manifests().put(repository, reference, body, MediaTypes.OCI_MANIFEST);
  }

  private static void putIndex(
      OciRegistry registry, RepositoryName repository, String tag, byte[] body) throws IOException {
    registry.manifests().put(repository, Reference.of(Tag.parse(tag)), body, MediaTypes.OCI_INDEX);
  }

  private void assertImagePresent(OciRegistry registry, RepositoryName repository, Image image)
      throws IOException {
    assertThat(registry.manifests().get(repository, Reference.of(image.digest())))
        .as("manifest %s in %s", image.digest(), repository)
        .isPresent()
        .get()
        .satisfies(manifest -> assertThat(manifest.content()).isEqualTo(image.body()));
    assertThat(read(registry, repository, image.configDigest())).isEqualTo(image.config());
    assertThat(read(registry, repository, image.layerDigest())).isEqualTo(image.layer());
  }

  private static byte[] read(OciRegistry registry, RepositoryName repository, Digest digest)
      throws IOException {
    try (InputStream in = Channels.newInputStream(registry.blobs().open(repository, digest))) {
      return in.readAllBytes();
    }
  }

  private void writeBlobDirectly(RepositoryName repository, byte[] content) throws IOException {
    Digest digest = Digest.sha256(content);
    Path file = blobFile(digest);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    Path link = blobLink(repository, digest);
    Files.createDirectories(link.getParent());
    Files.write(link, new byte[0]);
  }

  private Path blobFile(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm().id()).resolve(digest.hex());
  }

  private Path blobLink(RepositoryName repository, Digest digest) {
    return root.resolve("repositories/" + repository.value() + "/_blobs/sha256/" + digest.hex());
  }

  private Path manifestLink(RepositoryName repository, Digest digest) {
    return root.resolve(
        "repositories/" + repository.value() + "/_manifests/sha256/" + digest.hex());
  }

  private static FileTime longAgo() {
    return FileTime.from(Instant.now().minus(Duration.ofDays(30)));
  }

  private static void setAge(Path file, Duration age) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
  }

  private void makeOld(Digest digest) throws IOException {
    Files.setLastModifiedTime(blobFile(digest), longAgo());
  }

  private void makeBlobsOld() throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("blobs/sha256"))) {
      for (Path file : files.toList()) {
        Files.setLastModifiedTime(file, longAgo());
      }
    }
  }

  /** Every blob and every manifest link far older than the grace period. */
  private void makeEverythingOld() throws IOException {
    makeBlobsOld();
    try (Stream<Path> files = Files.walk(root.resolve("repositories"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (file.getParent().getParent().getFileName().toString().equals("_manifests")) {
          Files.setLastModifiedTime(file, longAgo());
        }
      }
    }
  }

  private Map<String, Long> snapshot() throws IOException {
    return snapshot(root);
  }

  /** Every regular file below {@code base} with its size, temporaries aside. */
  private Map<String, Long> snapshot(Path base) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(base)) {
      walk.filter(Files::isRegularFile).forEach(paths::add);
    }
    for (Path path : paths) {
      String relative = root.relativize(path).toString();
      if (!relative.startsWith("tmp/")) {
        files.put(relative, Files.size(path));
      }
    }
    return files;
  }
}
