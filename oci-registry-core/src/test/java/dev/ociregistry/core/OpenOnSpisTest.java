package dev.ociregistry.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.filesystem.FileSystemBlobContent;
import dev.ociregistry.core.filesystem.FileSystemMetadata;
import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.core.internal.LayoutIndex;
import dev.ociregistry.core.metadata.InProcessCoordination;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.core.testing.TestContent;
import dev.ociregistry.testkit.Artifacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry opened on implementations of the two SPIs, as an application wires other stores. */
class OpenOnSpisTest {
  private static final RepositoryName REPO = RepositoryName.parse("os-images/rootfs");

  @TempDir Path root;

  @Test
  void pushesTagsPullsAndCollectsThroughTheSpisAlone() throws IOException {
    FileSystemStorage storage = new FileSystemStorage(root);
    LayoutIndex index = new LayoutIndex(storage);
    index.load(Map.of());
    FileSystemMetadata metadata = new FileSystemMetadata(storage, index);
    FileSystemBlobContent content = new FileSystemBlobContent(storage);
    Artifacts.Manifest image =
        Artifacts.image()
            .config(Artifacts.config("spi"))
            .layer(Artifacts.blob(Artifacts.OCI_LAYER_GZIP, TestContent.bytes(5000, 1)))
            .build();
    byte[] orphan = TestContent.bytes(700, 2);
    try (OciRegistry registry =
        OciRegistry.open(
            metadata, content, new InProcessCoordination(), RegistryOptions.defaults())) {
      TestContent.pushBlobs(registry, REPO, image);
      String upload = registry.uploads().start(REPO).id();
      registry.uploads().append(REPO, upload, 0, orphan.length, new ByteArrayInputStream(orphan));
      registry.uploads().complete(REPO, upload, Digest.sha256(orphan), -1, -1, null);
      registry
          .manifests()
          .put(REPO, Reference.of(Tag.parse("v1")), image.content(), image.mediaType());

      assertThat(registry.manifests().get(REPO, Reference.of(Tag.parse("v1"))))
          .get()
          .extracting(manifest -> manifest.digest().toString())
          .isEqualTo(image.digest());
      assertThat(registry.catalog().list()).containsExactly(REPO);
      assertThat(registry.blobs().stat(REPO, Digest.sha256(orphan))).isPresent();

      GcReport report =
          registry.garbageCollector().collect(GcOptions.withGracePeriod(Duration.ZERO));

      assertThat(report.blobsDeleted()).isEqualTo(1);
      assertThat(registry.blobs().stat(REPO, Digest.sha256(orphan))).isEmpty();
      for (Artifacts.Blob blob : image.blobs()) {
        assertThat(registry.blobs().stat(REPO, Digest.parse(blob.digest()))).isPresent();
      }
    }
  }

  @Test
  void anInterruptedSweepIsFinishedAtOpenUnlessACollectionRunsElsewhere() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(root);
    LayoutIndex index = new LayoutIndex(storage);
    index.load(Map.of());
    FileSystemMetadata metadata = new FileSystemMetadata(storage, index);
    Digest gone = Digest.sha256(TestContent.bytes(10, 3));
    metadata.linkBlob(REPO, gone);
    metadata.markSweep(true);
    InProcessCoordination cluster = new InProcessCoordination();

    java.util.concurrent.ExecutorService elsewhere =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var lease =
          elsewhere.submit(() -> cluster.tryCollectorLease(Duration.ZERO).orElseThrow()).get();
      try (OciRegistry registry =
          OciRegistry.open(
              metadata, new FileSystemBlobContent(storage), cluster, RegistryOptions.defaults())) {
        assertThat(metadata.blobLinked(REPO, gone))
            .as("another replica's collection owns the mark")
            .isTrue();
      }
      elsewhere.submit(lease::close).get();
    } finally {
      elsewhere.shutdown();
    }

    try (OciRegistry registry =
        OciRegistry.open(
            metadata, new FileSystemBlobContent(storage), cluster, RegistryOptions.defaults())) {
      assertThat(metadata.blobLinked(REPO, gone)).isFalse();
      assertThat(metadata.sweepMarked()).isFalse();
      assertThat(registry.recoveryProblems())
          .contains("removed links to blobs an interrupted collection deleted");
    }
  }
}
