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
import dev.ociregistry.core.internal.LayoutIndex;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.metadata.InProcessCoordination;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.core.testing.TestContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads whose requests reach different processes sharing one store: each process opens the
 * registry on the same metadata and content, as replicas do.
 */
class UploadsAcrossProcessesTest {
  private static final RepositoryName REPO = RepositoryName.parse("images/windows");

  @TempDir Path root;

  private OciRegistry process() throws IOException {
    FileSystemStorage storage = new FileSystemStorage(root);
    LayoutIndex index = new LayoutIndex(storage);
    index.load(Map.of());
    return OciRegistry.open(
        new FileSystemMetadata(storage, index),
        new FileSystemBlobContent(storage),
        new InProcessCoordination(),
        RegistryOptions.defaults());
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
