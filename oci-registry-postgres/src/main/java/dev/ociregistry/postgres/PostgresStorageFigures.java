package dev.ociregistry.postgres;

import dev.ociregistry.core.layout.StorageStatistics.RepositoryUsage;
import dev.ociregistry.core.layout.StorageStatistics.Totals;
import dev.ociregistry.core.layout.StorageStatistics.Usage;
import dev.ociregistry.core.model.RepositoryName;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry's storage figures counted by the database at each call: the same on every replica,
 * each replica's writes included the moment they commit. Counted as the in-memory figures count: a
 * repository holds a digest it links as a blob or as a manifest, once; a blob only one repository
 * holds is that repository's exclusively; a blob nobody holds is unlinked.
 */
final class PostgresStorageFigures {
  private static final String HOLDERS =
      "SELECT repository, digest FROM blob_links UNION SELECT repository, digest FROM manifest_links";
  private static final String REPOSITORIES =
      "SELECT repository FROM tags UNION SELECT repository FROM manifest_links"
          + " UNION SELECT repository FROM blob_links";

  private final Jdbc jdbc;

  PostgresStorageFigures(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  Totals totals() throws IOException {
    return jdbc.inTransaction(PostgresStorageFigures::totals);
  }

  Usage usage() throws IOException {
    return jdbc.inTransaction(
        connection -> {
          // One snapshot for every figure, as the in-memory pass holds changes off.
          Jdbc.update(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
          Totals totals = totals(connection);
          Map<RepositoryName, RepositoryUsage> byRepository = new TreeMap<>();
          for (String name : Jdbc.list(connection, REPOSITORIES, row -> row.getString(1))) {
            RepositoryName repository = RepositoryName.parse(name);
            byRepository.put(repository, new RepositoryUsage(repository, 0, 0, 0));
          }
          for (RepositoryUsage held :
              Jdbc.list(
                  connection,
                  "WITH holders AS ("
                      + HOLDERS
                      + "), holder_counts AS (SELECT digest, count(*) AS n FROM holders GROUP BY"
                      + " digest) SELECT h.repository, count(*), coalesce(sum(b.size), 0),"
                      + " coalesce(sum(CASE WHEN c.n = 1 THEN b.size ELSE 0 END), 0)"
                      + " FROM holders h JOIN blobs b ON b.digest = h.digest"
                      + " JOIN holder_counts c ON c.digest = h.digest GROUP BY h.repository",
                  row ->
                      new RepositoryUsage(
                          RepositoryName.parse(row.getString(1)),
                          row.getLong(2),
                          row.getLong(3),
                          row.getLong(4)))) {
            byRepository.put(held.repository(), held);
          }
          long[] unlinked =
              Jdbc.one(
                      connection,
                      "SELECT count(*), coalesce(sum(size), 0) FROM blobs b WHERE NOT EXISTS"
                          + " (SELECT 1 FROM blob_links l WHERE l.digest = b.digest)"
                          + " AND NOT EXISTS (SELECT 1 FROM manifest_links m WHERE m.digest ="
                          + " b.digest)",
                      row -> new long[] {row.getLong(1), row.getLong(2)})
                  .orElseThrow();
          return new Usage(totals, unlinked[0], unlinked[1], List.copyOf(byRepository.values()));
        });
  }

  private static Totals totals(Connection connection) throws SQLException {
    long[] counts =
        Jdbc.one(
                connection,
                "SELECT (SELECT count(*) FROM blobs), (SELECT coalesce(sum(size), 0) FROM blobs),"
                    + " (SELECT count(*) FROM manifest_links),"
                    + " (SELECT count(*) FROM ("
                    + REPOSITORIES
                    + ") AS repositories)",
                row -> new long[] {row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4)})
            .orElseThrow();
    return new Totals(counts[0], counts[1], counts[2], counts[3]);
  }
}
