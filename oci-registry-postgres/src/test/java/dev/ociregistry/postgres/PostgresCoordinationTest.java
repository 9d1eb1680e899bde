package dev.ociregistry.postgres;

import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.CoordinationContract;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresCoordinationTest extends CoordinationContract {
  @RegisterExtension static final PostgresServerExtension server = new PostgresServerExtension();
  private final List<PostgresStore> stores = new ArrayList<>();
  private String url;

  @AfterEach
  void closeStores() {
    stores.forEach(PostgresStore::close);
  }

  @Override
  protected Coordination coordination() throws IOException {
    try {
      url = server.newDatabase();
    } catch (SQLException e) {
      throw new IOException(e);
    }
    return anotherProcess();
  }

  @Override
  protected Coordination anotherProcess() throws IOException {
    PostgresStore store = PostgresStore.open(url, PostgresServer.USER, "", 4);
    stores.add(store);
    return store.coordination();
  }
}
