package dev.ociregistry.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.layout.StorageStatistics;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.metadata.RegistryMetadataContract;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresMetadataTest extends RegistryMetadataContract {
  @RegisterExtension static final PostgresServerExtension server = new PostgresServerExtension();
  private final List<PostgresStore> stores = new ArrayList<>();
  private String url;

  @AfterEach
  void closeStores() {
    stores.forEach(PostgresStore::close);
  }

  @Override
  protected RegistryMetadata metadata() throws IOException {
    try {
      url = server.newDatabase();
    } catch (java.sql.SQLException e) {
      throw new IOException(e);
    }
    return open();
  }

  @Override
  protected RegistryMetadata anotherProcess() throws IOException {
    return open();
  }

  private RegistryMetadata open() throws IOException {
    PostgresStore store = PostgresStore.open(url, PostgresServer.USER, "", 4);
    stores.add(store);
    return store.metadata();
  }

  @Test
  void theDatabasesFiguresAreThoseACountOfEveryRecordMakes() throws IOException {
    PostgresMetadata metadata = (PostgresMetadata) metadata();
    RepositoryName alone = RepositoryName.parse("os-images/alone");
    RepositoryName sharing = RepositoryName.parse("os-images/sharing");
    RepositoryName onlyTagged = RepositoryName.parse("tools/tagged");
    Digest shared = blob(metadata, "shared layer", 1000);
    Digest own = blob(metadata, "own layer", 2000);
    Digest manifest = blob(metadata, "manifest", 300);
    Digest unlinked = blob(metadata, "unlinked", 4000);
    metadata.linkBlob(alone, shared);
    metadata.linkBlob(sharing, shared);
    metadata.linkBlob(alone, own);
    metadata.linkManifest(alone, manifest, "application/vnd.oci.image.manifest.v1+json");
    metadata.linkBlob(alone, manifest);
    metadata.linkManifest(sharing, manifest, "application/vnd.oci.image.manifest.v1+json");
    metadata.linkBlob(sharing, Digest.sha256("linked, not stored".getBytes(UTF_8)));
    metadata.setTag(
        onlyTagged,
        Tag.parse("v1"),
        new Descriptor(
            "application/vnd.oci.image.manifest.v1+json", manifest, 300, Optional.empty(), null),
        true);

    StorageStatistics counted = StorageStatistics.toBeCounted();
    counted.recount(metadata);
    StorageStatistics.Usage fromTheDatabase = ((PostgresMetadata) anotherProcess()).usage();

    assertThat(fromTheDatabase).isEqualTo(counted.usage());
    assertThat(metadata.totals()).isEqualTo(counted.totals());
    assertThat(fromTheDatabase.totals().blobs()).isEqualTo(4);
    assertThat(fromTheDatabase.unlinkedBlobs()).isEqualTo(1);
    assertThat(fromTheDatabase.unlinkedBytes()).isEqualTo(4000);
    assertThat(fromTheDatabase.repositories())
        .extracting(StorageStatistics.RepositoryUsage::exclusiveBytes)
        .containsExactly(2000L, 0L, 0L);
    assertThat(StorageStatistics.readThrough(metadata).usage()).isEqualTo(fromTheDatabase);
  }

  private static Digest blob(RegistryMetadata metadata, String seed, long size) throws IOException {
    Digest digest = Digest.sha256(seed.getBytes(UTF_8));
    metadata.recordBlob(digest, size, "blobs/sha256/uploads/" + digest.hex());
    return digest;
  }

  @Override
  protected String storeContent(Digest digest, byte[] bytes) {
    return "blobs/sha256/uploads/" + digest.hex();
  }

  @Override
  protected void deleteContent(String location) {
    // Content lives elsewhere; the record is all this store keeps.
  }
}
