package dev.ociregistry.core.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.testing.TestContent;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Await;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scrub re-hashes every blob, moves each damaged one to quarantine so that a pull finds nothing
 * rather than wrong bytes, leaves intact ones alone, keeps to its rate, and runs one at a time.
 */
class ScrubberTest {
  private static final RepositoryName REPO = RepositoryName.parse("os/wim");
  private static final long FAST = 1L << 40;

  @TempDir Path root;

  private Path file(String digest) {
    return root.resolve(LayoutKeys.blob(Digest.parse(digest)));
  }

  /** Flips one byte of a stored blob, as a failing disk might; the size stays. */
  private void damage(String digest) throws IOException {
    byte[] content = Files.readAllBytes(file(digest));
    content[content.length / 2] ^= 0x01;
    Files.write(file(digest), content);
  }

  @Test
  void aDamagedBlobIsQuarantinedAndAnswersUnknownUntilPushedAgain() throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      Blob intact = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(300_000, 1));
      Blob damaged = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(300_000, 2));
      TestContent.pushBlob(registry, REPO, intact);
      TestContent.pushBlob(registry, REPO, damaged);
      damage(damaged.digest());
      long blobsBefore = registry.statistics().totals().blobs();

      ScrubReport report = registry.scrubber().scrub(FAST).orElseThrow();

      assertThat(report.quarantined()).containsExactly(damaged.digest());
      assertThat(report.blobsChecked()).isEqualTo(2);
      assertThat(report.bytesChecked()).isEqualTo(600_000);
      assertThat(file(damaged.digest())).doesNotExist();
      assertThat(root.resolve(LayoutKeys.quarantined(Digest.parse(damaged.digest())))).exists();
      assertThat(registry.blobs().stat(REPO, Digest.parse(damaged.digest()))).isEmpty();
      assertThatThrownBy(() -> registry.blobs().open(REPO, Digest.parse(damaged.digest())))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UNKNOWN));
      assertThat(registry.blobs().stat(REPO, Digest.parse(intact.digest()))).isPresent();
      assertThat(registry.statistics().totals().blobs()).isEqualTo(blobsBefore - 1);

      TestContent.pushBlob(registry, REPO, damaged);
      assertThat(file(damaged.digest())).hasBinaryContent(damaged.content());
      assertThat(registry.scrubber().scrub(FAST).orElseThrow().quarantined()).isEmpty();
    }
  }

  @Test
  void filesThatAreNotNamedByADigestAreLeftAlone() throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      TestContent.pushBlob(registry, REPO, Artifacts.layer("named right"));
      Path stray = Files.writeString(root.resolve("blobs/sha256/not-a-digest"), "stray");

      ScrubReport report = registry.scrubber().scrub(FAST).orElseThrow();

      assertThat(report.blobsChecked()).isEqualTo(1);
      assertThat(report.quarantined()).isEmpty();
      assertThat(stray).exists();
    }
  }

  @Test
  void aDamagedManifestIsQuarantinedAndItsReferenceNoLongerResolves() throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      Manifest image = Artifacts.image("scrubbed");
      TestContent.pushBlobs(registry, REPO, image);
      registry
          .manifests()
          .put(REPO, Reference.parse("1.0"), image.content(), MediaTypes.OCI_MANIFEST);
      damage(image.digest());

      assertThat(registry.scrubber().scrub(FAST).orElseThrow().quarantined())
          .containsExactly(image.digest());
      assertThat(registry.manifests().get(REPO, Reference.parse("1.0"))).isEmpty();
      assertThat(registry.manifests().get(REPO, Reference.parse(image.digest()))).isEmpty();

      registry.manifests().delete(REPO, Digest.parse(image.digest()));
      assertThat(registry.manifests().list(REPO))
          .as("a link whose content went can still be deleted, with its tags")
          .isEmpty();
      assertThat(registry.tags().list(REPO)).isEmpty();
      assertThat(registry.statistics().totals().manifests()).isZero();
    }
  }

  @Test
  void anInterruptedScrubStopsInTheMiddleOfABlob() throws Exception {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      TestContent.pushBlob(registry, REPO, Artifacts.content(4 << 20, 20));
      AtomicReference<Throwable> ended = new AtomicReference<>();
      Thread scrub =
          new Thread(
              () -> {
                try {
                  registry.scrubber().scrub(256 * 1024);
                } catch (IOException e) {
                  ended.set(e);
                }
              });
      scrub.start();
      Await.until("the scrub to start", () -> registry.scrubber().isRunning());

      scrub.interrupt();
      scrub.join(TimeUnit.SECONDS.toMillis(10));

      assertThat(scrub.isAlive()).as("4 MiB at 256 KiB/s would take 16 s").isFalse();
      assertThat(ended.get())
          .isInstanceOfAny(InterruptedIOException.class, ClosedByInterruptException.class);
      assertThat(registry.scrubber().isRunning()).isFalse();
    }
  }

  @Test
  void theScrubKeepsToItsRateAndRunsOneAtATime() throws Exception {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      for (int i = 0; i < 4; i++) {
        TestContent.pushBlob(registry, REPO, Artifacts.content(256 * 1024, 10 + i));
      }
      long rate = 2L << 20;
      long started = System.nanoTime();
      CompletableFuture<Optional<ScrubReport>> first =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return registry.scrubber().scrub(rate);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      Await.until("the scrub to start", () -> registry.scrubber().isRunning());

      assertThat(registry.scrubber().scrub(FAST)).as("a second one at once").isEmpty();
      ScrubReport report = first.get(30, TimeUnit.SECONDS).orElseThrow();
      assertThat(report.bytesChecked()).isEqualTo(1L << 20);
      assertThat(System.nanoTime() - started)
          .as("1 MiB at 2 MiB/s takes half a second at least")
          .isGreaterThanOrEqualTo(
              Duration.ofMillis(500).toNanos() - Duration.ofMillis(5).toNanos());
      assertThat(registry.scrubber().isRunning()).isFalse();
      assertThatThrownBy(() -> registry.scrubber().scrub(0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
