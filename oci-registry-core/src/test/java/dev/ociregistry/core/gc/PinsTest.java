package dev.ociregistry.core.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.testing.TestContent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a pin keeps visible: the pinned manifest and every blob it needs, in its repository. */
class PinsTest {
  private static final RepositoryName REPO = RepositoryName.parse("os-images/ubuntu");
  private static final RepositoryName OTHER = RepositoryName.parse("os-images/other");

  @TempDir Path root;

  @Test
  void blobsOfAPinnedManifestCannotBeDeletedFromItsRepositoryUntilUnpinned() throws Exception {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      byte[] config = TestContent.utf8("{}");
      byte[] layer = TestContent.bytes(100, 1);
      TestContent.pushBlob(registry, REPO, config);
      TestContent.pushBlob(registry, REPO, layer);
      byte[] manifest = TestContent.imageManifest(config, List.of(layer), Map.of());
      Digest digest =
          registry
              .manifests()
              .put(REPO, Reference.parse("22.04"), manifest, MediaTypes.OCI_MANIFEST)
              .digest();
      registry.pins().pin("job-1", REPO, digest);

      for (byte[] needed : List.of(config, layer)) {
        assertThatThrownBy(() -> registry.blobs().delete(REPO, Digest.sha256(needed)))
            .isInstanceOfSatisfying(
                RegistryException.class,
                e -> {
                  assertThat(e.code()).isEqualTo(ErrorCode.DENIED);
                  assertThat(e.getMessage()).contains("job-1");
                });
      }

      registry.pins().unpin("job-1");
      registry.blobs().delete(REPO, Digest.sha256(layer));
      assertThat(registry.blobs().stat(REPO, Digest.sha256(layer))).isEmpty();
    }
  }

  @Test
  void aPinKeepsNothingInOtherRepositoriesNorUnrelatedBlobs() throws Exception {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      byte[] config = TestContent.utf8("{}");
      byte[] layer = TestContent.bytes(100, 2);
      for (RepositoryName repository : List.of(REPO, OTHER)) {
        TestContent.pushBlob(registry, repository, config);
        TestContent.pushBlob(registry, repository, layer);
      }
      Digest unrelated = TestContent.pushBlob(registry, REPO, TestContent.bytes(10, 3)).digest();
      byte[] manifest = TestContent.imageManifest(config, List.of(layer), Map.of());
      Digest digest =
          registry
              .manifests()
              .put(REPO, Reference.parse("1"), manifest, MediaTypes.OCI_MANIFEST)
              .digest();
      registry.pins().pin("job-2", REPO, digest);

      registry.blobs().delete(OTHER, Digest.sha256(layer));
      registry.blobs().delete(REPO, unrelated);

      assertThat(registry.blobs().stat(OTHER, Digest.sha256(layer))).isEmpty();
      assertThat(registry.blobs().stat(REPO, Digest.sha256(layer))).isPresent();
    }
  }
}
