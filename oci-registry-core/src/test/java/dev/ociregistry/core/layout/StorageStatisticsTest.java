package dev.ociregistry.core.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.filesystem.FileSystemMetadata;
import dev.ociregistry.core.gc.GcListener;
import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.core.internal.LayoutIndex;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.core.storage.StorageDriver;
import dev.ociregistry.core.testing.PausingStorage;
import dev.ociregistry.core.testing.TestContent;
import dev.ociregistry.core.upload.UploadStatus;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The totals the registry keeps current agree, after any mix of pushes, uploads, mounts, deletes
 * and collections, with a count of what is on disk, and so with what a restart counts; and the
 * collector tells its listeners about each run once.
 */
class StorageStatisticsTest {
  private static final RepositoryName ONE = RepositoryName.parse("os/ubuntu");
  private static final RepositoryName TWO = RepositoryName.parse("os/debian");
  private static final GcOptions NOW = new GcOptions(Duration.ZERO, true, false);

  @TempDir Path root;

  private static StorageStatistics.Usage counted(Path root) throws IOException {
    FileSystemStorage storage = new FileSystemStorage(root);
    StorageStatistics statistics = StorageStatistics.empty();
    statistics.recount(new FileSystemMetadata(storage, new LayoutIndex(storage)));
    return statistics.usage();
  }

  private static void pushImage(OciRegistry registry, RepositoryName repository, Manifest image)
      throws IOException {
    TestContent.pushBlobs(registry, repository, image);
    registry
        .manifests()
        .put(repository, Reference.parse("v1"), image.content(), MediaTypes.OCI_MANIFEST);
  }

  /** A store that counts itself by counting every record at each call, as a database would. */
  private record CountingSource(FileSystemMetadata metadata) implements StorageStatistics.Source {
    @Override
    public StorageStatistics.Totals totals() throws IOException {
      return usage().totals();
    }

    @Override
    public StorageStatistics.Usage usage() throws IOException {
      StorageStatistics counted = StorageStatistics.toBeCounted();
      counted.recount(metadata);
      return counted.usage();
    }
  }

  @Test
  void figuresReadThroughASourceFollowItAndKeepNothingOfTheirOwn() throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      registry.recoveryProblems();
      pushImage(registry, ONE, Artifacts.image("read through"));
    }
    FileSystemStorage storage = new FileSystemStorage(root);
    LayoutIndex index = new LayoutIndex(storage);
    FileSystemMetadata metadata = new FileSystemMetadata(storage, index);
    StorageStatistics through = StorageStatistics.readThrough(new CountingSource(metadata));

    through.blobAdded(Digest.sha256(new byte[] {1}), 1);
    through.linked(TWO, Digest.sha256(new byte[] {1}), false);
    through.recount(metadata);
    assertThat(through.usage()).isEqualTo(counted(root));
    assertThat(through.totals()).isEqualTo(counted(root).totals());
    assertThat(through.totals().blobs()).isEqualTo(3);

    StorageStatistics failing =
        StorageStatistics.readThrough(
            new StorageStatistics.Source() {
              @Override
              public StorageStatistics.Totals totals() throws IOException {
                throw new IOException("database unreachable");
              }

              @Override
              public StorageStatistics.Usage usage() throws IOException {
                throw new IOException("database unreachable");
              }
            });
    assertThatThrownBy(failing::totals)
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("database unreachable");
    assertThatThrownBy(failing::usage)
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("database unreachable");
  }

  @Test
  void eachChangeMovesTheTotalsByWhatItStoredOrFreed() throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      assertThat(registry.statistics().totals())
          .isEqualTo(new StorageStatistics.Totals(0, 0, 0, 0));
      Manifest image = Artifacts.image("counted");
      long bytes = image.size() + image.blobs().stream().mapToLong(Blob::size).sum();

      pushImage(registry, ONE, image);
      assertThat(registry.statistics().totals())
          .isEqualTo(new StorageStatistics.Totals(3, bytes, 1, 1));

      Blob onlyInTwo = Artifacts.layer("only in two");
      TestContent.pushBlob(registry, TWO, onlyInTwo);
      pushImage(registry, ONE, image);
      pushImage(registry, TWO, image);
      assertThat(registry.statistics().totals())
          .as("stored once, linked once per repository")
          .isEqualTo(new StorageStatistics.Totals(4, bytes + onlyInTwo.size(), 2, 2));
      assertThat(registry.statistics().usage().repositories())
          .containsExactly(
              new StorageStatistics.RepositoryUsage(
                  TWO, 4, bytes + onlyInTwo.size(), onlyInTwo.size()),
              new StorageStatistics.RepositoryUsage(ONE, 3, bytes, 0));
      registry.blobs().delete(TWO, Digest.parse(onlyInTwo.digest()));
      assertThat(registry.statistics().usage().unlinkedBytes()).isEqualTo(onlyInTwo.size());

      registry.manifests().delete(ONE, Digest.parse(image.digest()));
      registry.manifests().delete(TWO, Digest.parse(image.digest()));
      assertThat(registry.statistics().totals())
          .isEqualTo(new StorageStatistics.Totals(4, bytes + onlyInTwo.size(), 0, 2));

      GcReport report = registry.garbageCollector().collect(NOW);
      assertThat(report.blobsDeleted()).isEqualTo(4);
      assertThat(registry.statistics().totals())
          .isEqualTo(new StorageStatistics.Totals(0, 0, 0, 2));
    }
  }

  @Test
  void changesWhileTheBackgroundCountRunsAreNeitherLostNorCountedTwice() throws Exception {
    Blob counted = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(100, 1));
    Blob shared = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(200, 2));
    Blob fresh = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(300, 3));
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      TestContent.pushBlob(registry, ONE, counted);
      TestContent.pushBlob(registry, TWO, shared);
    }
    PausingStorage storage = new PausingStorage(new FileSystemStorage(root));
    PausingStorage.Pause countAtFirstBlob =
        storage.pauseAt(
            PausingStorage.Op.STAT,
            PausingStorage.When.BEFORE,
            LayoutKeys.blob(Digest.parse(counted.digest())));
    try (OciRegistry registry = OciRegistry.open(storage, RegistryOptions.defaults())) {
      countAtFirstBlob.awaitReached();
      // The count has listed the blobs but read no link yet: a new blob it did not list, whose
      // link it will see; a new link to a blob it listed; a link gone before it looks.
      TestContent.pushBlob(registry, ONE, fresh);
      TestContent.pushBlob(registry, ONE, shared);
      registry.blobs().delete(TWO, Digest.parse(shared.digest()));
      countAtFirstBlob.release();

      assertThat(registry.statistics().usage()).isEqualTo(counted(root));
      assertThat(registry.statistics().totals())
          .isEqualTo(new StorageStatistics.Totals(3, 600, 0, 2));
    }
  }

  @Test
  void linksAreCountedPerHolderAndChangesToUnknownDigestsChangeNothing() {
    StorageStatistics statistics = StorageStatistics.empty();
    Digest digest = Digest.sha256(Artifacts.utf8("shared by three"));
    Digest unknown = Digest.sha256(Artifacts.utf8("never seen"));
    RepositoryName three = RepositoryName.parse("os/fedora");
    statistics.blobAdded(digest, 15);
    statistics.linked(ONE, digest, false);
    statistics.linked(TWO, digest, false);
    statistics.linked(three, digest, true);

    statistics.unlinked(TWO, digest, false);
    statistics.unlinked(TWO, digest, false);
    statistics.unlinked(ONE, unknown, false);
    statistics.blobRemoved(unknown);

    assertThat(statistics.totals()).isEqualTo(new StorageStatistics.Totals(1, 15, 1, 3));
    assertThat(statistics.usage().repositories())
        .containsExactly(
            new StorageStatistics.RepositoryUsage(TWO, 0, 0, 0),
            new StorageStatistics.RepositoryUsage(three, 1, 15, 0),
            new StorageStatistics.RepositoryUsage(ONE, 1, 15, 0));

    statistics.unlinked(three, digest, true);
    statistics.blobRemoved(digest);
    statistics.blobRemoved(digest);
    statistics.unlinked(ONE, digest, false);
    assertThat(statistics.totals()).isEqualTo(new StorageStatistics.Totals(0, 0, 0, 3));
    assertThat(statistics.usage().unlinkedBlobs()).isZero();
  }

  @Test
  void anyMixOfChangesAgreesWithACountOfTheStoreAndWithARestart() throws IOException {
    Random random = new Random(7);
    List<RepositoryName> repositories =
        List.of(ONE, TWO, RepositoryName.parse("win/wim"), RepositoryName.parse("a/b/c"));
    List<Manifest> images = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      images.add(Artifacts.image("image " + i));
    }
    StorageStatistics.Usage kept;
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      for (int step = 0; step < 300; step++) {
        RepositoryName repository = repositories.get(random.nextInt(repositories.size()));
        Manifest image = images.get(random.nextInt(images.size()));
        switch (random.nextInt(6)) {
          case 0 -> pushImage(registry, repository, image);
          case 1 -> TestContent.pushBlob(registry, repository, Artifacts.content(100, step));
          case 2 -> {
            UploadStatus upload = registry.uploads().start(repository);
            byte[] content = Artifacts.content(200 + step, step);
            registry
                .uploads()
                .complete(
                    repository,
                    upload.id(),
                    Digest.sha256(content),
                    0,
                    content.length,
                    new ByteArrayInputStream(content));
          }
          case 3 -> {
            Digest digest = Digest.parse(image.blobs().get(1).digest());
            registry.blobs().mount(repository, digest, Optional.empty());
          }
          case 4 -> {
            if (registry
                .manifests()
                .document(repository, Digest.parse(image.digest()))
                .isPresent()) {
              registry.manifests().delete(repository, Digest.parse(image.digest()));
            }
          }
          default -> registry.garbageCollector().collect(NOW);
        }
        if (step % 50 == 0) {
          assertThat(registry.statistics().usage()).as("step " + step).isEqualTo(counted(root));
        }
      }
      kept = registry.statistics().usage();
      assertThat(kept).isEqualTo(counted(root));
      assertThat(kept.totals().blobs()).isPositive();
      assertThat(kept.repositories()).hasSize(repositories.size());
    }
    try (OciRegistry reopened = OciRegistry.open(root, RegistryOptions.defaults())) {
      assertThat(reopened.statistics().usage()).isEqualTo(kept);
    }
  }

  @Test
  void theCollectorTellsItsListenersOfEachRunOnceAndOfAFailure() throws Exception {
    AtomicBoolean listingFails = new AtomicBoolean();
    StorageDriver storage = failingLists(new FileSystemStorage(root), listingFails);
    List<GcReport> completed = new ArrayList<>();
    List<Exception> failed = new ArrayList<>();
    try (OciRegistry registry = OciRegistry.open(storage, RegistryOptions.defaults())) {
      registry
          .garbageCollector()
          .addListener(
              new GcListener() {
                @Override
                public void completed(GcReport report) {
                  completed.add(report);
                }

                @Override
                public void failed(Exception failure, Duration elapsed) {
                  assertThat(elapsed.isNegative()).isFalse();
                  failed.add(failure);
                }
              });
      pushImage(registry, ONE, Artifacts.image("listened"));
      GcReport dryRun =
          registry.garbageCollector().collect(new GcOptions(Duration.ZERO, true, true));
      GcReport real = registry.garbageCollector().collect(NOW);
      assertThat(completed).containsExactly(dryRun, real);
      assertThat(completed.get(0).dryRun()).isTrue();

      listingFails.set(true);
      assertThatThrownBy(() -> registry.garbageCollector().collect(NOW))
          .isInstanceOf(IOException.class);
      assertThat(failed).hasSize(1);
      assertThat(completed).hasSize(2);
    }
  }

  /** {@code storage}, whose listings fail while {@code fail} is set. */
  private static StorageDriver failingLists(StorageDriver storage, AtomicBoolean fail) {
    return (StorageDriver)
        Proxy.newProxyInstance(
            StorageDriver.class.getClassLoader(),
            new Class<?>[] {StorageDriver.class},
            (proxy, method, arguments) -> {
              if (fail.get() && method.getName().equals("list")) {
                throw new IOException("listing failed");
              }
              try {
                return method.invoke(storage, arguments);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
