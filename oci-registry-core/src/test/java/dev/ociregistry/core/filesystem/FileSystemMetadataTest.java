package dev.ociregistry.core.filesystem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.internal.LayoutIndex;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.metadata.RegistryMetadataContract;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.storage.FileSystemStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemMetadataTest extends RegistryMetadataContract {
  @TempDir Path root;

  @Override
  protected RegistryMetadata metadata() throws IOException {
    FileSystemStorage storage = new FileSystemStorage(root);
    LayoutIndex index = new LayoutIndex(storage);
    index.load(Map.of());
    return new FileSystemMetadata(storage, index);
  }

  @Override
  protected RegistryMetadata anotherProcess() throws IOException {
    return metadata();
  }

  @Override
  protected String storeContent(Digest digest, byte[] bytes) throws IOException {
    Path file = root.resolve("blobs/sha256/" + digest.hex());
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    return "blobs/sha256/" + digest.hex();
  }

  @Override
  protected void deleteContent(String location) throws IOException {
    Files.delete(root.resolve(location));
  }

  @Test
  void anUploadRecordThatIsDamagedOrMisnamedIsNoUpload() throws IOException {
    RegistryMetadata metadata = metadata();
    String id = java.util.UUID.randomUUID().toString();
    metadata.createUpload(id, RepositoryName.parse("a"), new byte[] {1});
    Files.writeString(root.resolve("uploads/" + id + "/state"), "{\"repository\":\"Not Valid\"}");
    assertThat(metadata.upload(id)).isEmpty();
    Files.writeString(root.resolve("uploads/" + id + "/state"), "not json");
    assertThat(metadata.upload(id)).isEmpty();
    assertThat(metadata.upload("../../etc")).isEmpty();
    metadata.updateUpload(java.util.UUID.randomUUID().toString(), new byte[] {2});
    metadata.updateUpload("../../etc", new byte[] {2});
    metadata.deleteUpload("../../etc");
    assertThat(metadata.uploads()).containsExactly(id);
  }

  @Test
  void incompleteUploadDirectoriesAreRemoved() throws IOException {
    FileSystemMetadata metadata = (FileSystemMetadata) metadata();
    String kept = java.util.UUID.randomUUID().toString();
    metadata.createUpload(kept, RepositoryName.parse("a"), new byte[0]);
    Files.createDirectories(root.resolve("uploads/" + java.util.UUID.randomUUID()));
    Files.createDirectories(root.resolve("uploads/not-an-id"));
    assertThat(metadata.removeIncompleteUploads()).isEqualTo(2);
    assertThat(metadata.uploads()).containsExactly(kept);
  }

  @Test
  void aTagIsItsRefFileAndAnEntryOfTheIndex() throws IOException {
    Digest manifest = digest("manifest");
    metadata()
        .setTag(
            RepositoryName.parse("a/b"),
            Tag.parse("v1"),
            Descriptor.of("application/vnd.oci.image.manifest.v1+json", manifest, 7),
            true);
    assertThat(root.resolve("repositories/a/b/_refs/v1")).hasContent(manifest.toString());
    assertThat(Files.readString(root.resolve("index.json")))
        .contains("\"a/b:v1\"")
        .contains(manifest.toString());
  }
}
