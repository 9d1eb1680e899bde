package dev.ociregistry.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Brings the schema to the version this code needs, at start: each migration runs in a transaction
 * of its own and is recorded in {@code schema_migrations}; replicas starting together take turns on
 * an advisory lock.
 */
final class Migrations {
  /** In order; a migration, once released, never changes. */
  static final List<String> ALL =
      List.of("V1__registry.sql", "V2__documents.sql", "V3__blob_locations.sql");

  private static final long LOCK = 0x6f63692d6d696772L;

  private Migrations() {}

  static void apply(Jdbc jdbc) throws IOException {
    for (String migration : ALL) {
      int version = Integer.parseInt(migration.substring(1, migration.indexOf("__")));
      String sql = read(migration);
      jdbc.inTransaction(
          connection -> {
            Jdbc.list(connection, "SELECT pg_advisory_xact_lock(?)", row -> null, LOCK);
            Jdbc.update(
                connection,
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    + "version int PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL)");
            if (applied(connection).contains(version)) {
              return null;
            }
            try (Statement statement = connection.createStatement()) {
              statement.execute(sql);
            }
            Jdbc.update(
                connection,
                "INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, now())",
                version,
                migration);
            return null;
          });
    }
  }

  private static Set<Integer> applied(Connection connection) throws SQLException {
    return new TreeSet<>(
        Jdbc.list(connection, "SELECT version FROM schema_migrations", row -> row.getInt(1)));
  }

  private static String read(String migration) throws IOException {
    try (InputStream in = Migrations.class.getResourceAsStream(migration)) {
      if (in == null) {
        throw new IOException("migration " + migration + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
