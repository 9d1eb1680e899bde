package dev.ociregistry.core.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.content.BlobContentContract;
import dev.ociregistry.core.content.BlobNotFoundException;
import dev.ociregistry.core.content.BlobUpload;
import dev.ociregistry.core.storage.FileSystemStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobContentTest extends BlobContentContract {
  @TempDir Path root;

  @Override
  protected BlobContent content() throws IOException {
    return new FileSystemBlobContent(new FileSystemStorage(root));
  }

  @Override
  protected BlobContent anotherProcess() throws IOException {
    return content();
  }

  @Test
  void aCommittedBlobLivesAtItsDigestInTheLayout() throws IOException {
    byte[] bytes = bytes(100);
    String location = put(content(), bytes);
    assertThat(location).isEqualTo("blobs/sha256/" + sha256(bytes).hex());
    assertThat(Files.readAllBytes(root.resolve(location))).isEqualTo(bytes);
    assertThat(FileSystemBlobContent.location(sha256(bytes))).isEqualTo(location);
  }

  @Test
  void anAbortedUploadCannotBeTakenUp() throws IOException {
    BlobUpload upload = content().beginUpload(newId());
    upload.abort();
    assertThatThrownBy(() -> content().resumeUpload(upload.id(), upload.state()))
        .isInstanceOf(BlobNotFoundException.class);
  }

  @Test
  void anUploadsDataIsItsDirectorysDataFile() throws IOException {
    BlobUpload upload = content().beginUpload(newId());
    upload.append(new java.io.ByteArrayInputStream(bytes(10)), 10);
    assertThat(root.resolve("uploads/" + upload.id() + "/data")).hasSize(10);
  }
}
