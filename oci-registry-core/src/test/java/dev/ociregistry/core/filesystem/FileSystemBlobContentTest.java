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
  void anUploadIsTakenUpAtItsAcknowledgedSizeAndCutBackOnItsNextAppend() throws IOException {
    BlobContent content = content();
    BlobUpload upload = content.beginUpload(newId());
    byte[] first = bytes(100);
    upload.append(new java.io.ByteArrayInputStream(first), first.length);
    byte[] state = upload.state();
    Path data = root.resolve("uploads/" + upload.id() + "/data");
    Files.write(data, bytes(50), java.nio.file.StandardOpenOption.APPEND);

    BlobUpload resumed = content.resumeUpload(upload.id(), state);
    assertThat(resumed.size()).isEqualTo(100);
    byte[] second = bytes(20);
    resumed.append(new java.io.ByteArrayInputStream(second), second.length);
    assertThat(data).hasSize(120);
    byte[] whole = java.nio.ByteBuffer.allocate(120).put(first).put(second).array();
    assertThat(resumed.complete(sha256(whole)).size()).isEqualTo(120);
  }

  @Test
  void anUploadWithoutAStateIsTakenUpWithItsWholeFile() throws IOException {
    BlobUpload upload = content().beginUpload(newId());
    upload.append(new java.io.ByteArrayInputStream(bytes(70)), 70);
    assertThat(content().resumeUpload(upload.id(), new byte[0]).size()).isEqualTo(70);
  }

  @Test
  void aStateThatIsDamagedOrNamesMoreThanTheDataHoldsIsRefused() throws IOException {
    BlobUpload upload = content().beginUpload(newId());
    upload.append(new java.io.ByteArrayInputStream(bytes(70)), 70);
    assertThatThrownBy(() -> content().resumeUpload(upload.id(), new byte[3]))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("damaged state");
    byte[] more = java.nio.ByteBuffer.allocate(8).putLong(71).array();
    assertThatThrownBy(() -> content().resumeUpload(upload.id(), more))
        .isInstanceOf(BlobNotFoundException.class);
    byte[] negative = java.nio.ByteBuffer.allocate(8).putLong(-1).array();
    assertThatThrownBy(() -> content().resumeUpload(upload.id(), negative))
        .isInstanceOf(BlobNotFoundException.class);
  }

  @Test
  void anUploadsDataIsItsDirectorysDataFile() throws IOException {
    BlobUpload upload = content().beginUpload(newId());
    upload.append(new java.io.ByteArrayInputStream(bytes(10)), 10);
    assertThat(root.resolve("uploads/" + upload.id() + "/data")).hasSize(10);
  }
}
