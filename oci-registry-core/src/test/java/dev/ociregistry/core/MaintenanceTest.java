package dev.ociregistry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.gc.GcListener;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryGlob;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.retention.RetentionPolicy;
import dev.ociregistry.core.testing.TestContent;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The housekeeping an embedding application starts with one line and stops with the registry. */
class MaintenanceTest {
  private static final RepositoryName REPO = RepositoryName.parse("os-images/ubuntu-rootfs");
  private static final Duration OFTEN = Duration.ofMillis(50);

  @TempDir Path root;

  @Test
  void collectsUnreferencedBlobsOnItsIntervalAndKeepsTaggedContent() throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      Digest orphan =
          TestContent.pushBlob(registry, REPO, TestContent.utf8("nobody refers")).digest();
      Manifest image = push(registry, "22.04");

      registry.startMaintenance(often().withGracePeriod(Duration.ZERO));

      Await.until("the orphan blob collected", () -> stat(registry, orphan).isEmpty());
      assertThat(registry.tags().resolve(REPO, Tag.parse("22.04")))
          .contains(Digest.parse(image.digest()));
      for (Artifacts.Blob blob : image.blobs()) {
        assertThat(stat(registry, Digest.parse(blob.digest()))).isPresent();
      }
    }
  }

  @Test
  void appliesRetentionBeforeCollecting() throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      push(registry, "1");
      Manifest newest = push(registry, "2");
      RetentionPolicy keepNewest =
          new RetentionPolicy(
              List.of(
                  new RetentionPolicy.Rule(
                      RepositoryGlob.parse("os-images/**"),
                      OptionalInt.of(1),
                      Optional.empty(),
                      List.of())));

      registry.startMaintenance(often().withGracePeriod(Duration.ZERO).withRetention(keepNewest));

      Await.until("the older tag removed", () -> tags(registry).equals(List.of("2")));
      assertThat(registry.tags().resolve(REPO, Tag.parse("2")))
          .contains(Digest.parse(newest.digest()));
    }
  }

  @Test
  void expiresIdleUploads() throws IOException {
    RegistryOptions shortUploads = RegistryOptions.defaults().withUploadTimeout(OFTEN);
    try (OciRegistry registry = OciRegistry.open(root, shortUploads)) {
      registry.uploads().start(REPO);
      assertThat(registry.uploads().openCount()).isEqualTo(1);

      registry.startMaintenance(often());

      Await.until("the idle upload expired", () -> registry.uploads().openCount() == 0);
    }
  }

  @Test
  void keepsRunningAfterARunFails() throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      AtomicInteger runs = new AtomicInteger();
      AtomicInteger failures = new AtomicInteger();
      registry
          .garbageCollector()
          .addListener(
              new GcListener() {
                @Override
                public void completed(GcReport report) {
                  if (runs.incrementAndGet() == 1) {
                    throw new IllegalStateException("the first run's listener fails");
                  }
                }

                @Override
                public void failed(Exception failure, Duration elapsed) {
                  failures.incrementAndGet();
                }
              });

      registry.startMaintenance(often());

      Await.until("a run after the failed one", () -> runs.get() >= 3);
      assertThat(failures.get()).isEqualTo(1);
    }
  }

  @Test
  void stopsWithTheRegistryAndStartsOnlyOnce() throws IOException {
    OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults());
    Maintenance maintenance = registry.startMaintenance(MaintenanceOptions.defaults());
    assertThat(maintenance.isRunning()).isTrue();
    assertThatThrownBy(() -> registry.startMaintenance(MaintenanceOptions.defaults()))
        .isInstanceOf(IllegalStateException.class);

    registry.close();

    assertThat(maintenance.isRunning()).isFalse();
    assertThatThrownBy(() -> registry.startMaintenance(MaintenanceOptions.defaults()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void optionsRefuseWhatCannotRun() {
    MaintenanceOptions defaults = MaintenanceOptions.defaults();
    assertThat(defaults.collection().gracePeriod()).isEqualTo(Duration.ofHours(24));
    assertThat(defaults.collection().deleteUntagged()).isTrue();
    assertThat(defaults.withDeleteUntagged(false).collection().deleteUntagged()).isFalse();
    assertThatThrownBy(() -> defaults.withCollectionInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults.withUploadExpiryInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults.withFirstCollectionAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(defaults.firstCollectionAfter()).isEqualTo(Duration.ofHours(1));
    assertThat(defaults.withGracePeriod(Duration.ZERO)).isNotEqualTo(defaults);
    assertThat(MaintenanceOptions.defaults()).isEqualTo(defaults).hasSameHashCodeAs(defaults);
    assertThat(defaults.toString()).contains("retention=none");
  }

  @Test
  void startsAgainOnceStoppedAndClosingTwiceDoesNothing() throws IOException {
    OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults());
    registry.startMaintenance(MaintenanceOptions.defaults()).close();

    Maintenance again = registry.startMaintenance(often());
    assertThat(again.isRunning()).isTrue();

    registry.close();
    registry.close();
    assertThat(again.isRunning()).isFalse();
    try (OciRegistry reopened = OciRegistry.open(root, RegistryOptions.defaults())) {
      assertThat(reopened.catalog()).isNotNull();
    }
  }

  @Test
  void theFirstCollectionCanComeAtOnceWhileTheIntervalStaysLong() throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      Digest orphan = TestContent.pushBlob(registry, REPO, TestContent.utf8("left over")).digest();

      registry.startMaintenance(
          MaintenanceOptions.defaults()
              .withGracePeriod(Duration.ZERO)
              .withFirstCollectionAfter(Duration.ZERO));

      Await.until("the first collection ran", () -> stat(registry, orphan).isEmpty());
    }
  }

  private static MaintenanceOptions often() {
    return MaintenanceOptions.defaults()
        .withCollectionInterval(OFTEN)
        .withFirstCollectionAfter(OFTEN)
        .withUploadExpiryInterval(OFTEN);
  }

  private static Manifest push(OciRegistry registry, String tag) throws IOException {
    Manifest image = Artifacts.image(REPO + ":" + tag);
    TestContent.pushBlobs(registry, REPO, image);
    registry
        .manifests()
        .put(REPO, Reference.of(Tag.parse(tag)), image.content(), image.mediaType());
    return image;
  }

  private static Optional<?> stat(OciRegistry registry, Digest digest) {
    try {
      return registry.blobs().stat(REPO, digest);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> tags(OciRegistry registry) {
    try {
      return registry.tags().list(REPO).stream().map(Tag::value).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
