package dev.ociregistry.postgres;

import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link PostgresServer} for the tests of one class: started before the first, stopped after the
 * last. Register it as a static field with {@code @RegisterExtension}.
 */
public final class PostgresServerExtension implements BeforeAllCallback, AfterAllCallback {
  private PostgresServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = PostgresServer.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** A new empty database on the server, as a JDBC URL. */
  public String newDatabase() throws SQLException {
    if (server == null) {
      throw new IllegalStateException("the PostgreSQL server is started before the class's tests");
    }
    return server.newDatabase();
  }
}
