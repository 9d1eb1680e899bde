package dev.ociregistry.postgres;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.metadata.RegistryMetadataContract;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
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

  @Override
  protected String storeContent(Digest digest, byte[] bytes) {
    return "blobs/sha256/uploads/" + digest.hex();
  }

  @Override
  protected void deleteContent(String location) {
    // Content lives elsewhere; the record is all this store keeps.
  }
}
