package dev.ociregistry.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Statements on a pool, their {@link SQLException}s turned into {@link IOException}s. */
final class Jdbc {
  /** Reads one row. */
  @FunctionalInterface
  interface Row<T> {
    T read(ResultSet row) throws SQLException;
  }

  /** Work inside one transaction. */
  @FunctionalInterface
  interface Transaction<T> {
    T run(Connection connection) throws SQLException, IOException;
  }

  private final DataSource pool;

  Jdbc(DataSource pool) {
    this.pool = pool;
  }

  int update(String sql, Object... parameters) throws IOException {
    try (Connection connection = pool.getConnection()) {
      return update(connection, sql, parameters);
    } catch (SQLException e) {
      throw failed(sql, e);
    }
  }

  <T> List<T> list(String sql, Row<T> row, Object... parameters) throws IOException {
    try (Connection connection = pool.getConnection()) {
      return list(connection, sql, row, parameters);
    } catch (SQLException e) {
      throw failed(sql, e);
    }
  }

  <T> Optional<T> one(String sql, Row<T> row, Object... parameters) throws IOException {
    List<T> rows = list(sql, row, parameters);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  <T> T inTransaction(Transaction<T> work) throws IOException {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | IOException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failed("a transaction", e);
    }
  }

  static int update(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, parameters)) {
      return statement.executeUpdate();
    }
  }

  static <T> List<T> list(Connection connection, String sql, Row<T> row, Object... parameters)
      throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, parameters);
        ResultSet rows = statement.executeQuery()) {
      List<T> found = new ArrayList<>();
      while (rows.next()) {
        found.add(row.read(rows));
      }
      return found;
    }
  }

  static <T> Optional<T> one(Connection connection, String sql, Row<T> row, Object... parameters)
      throws SQLException {
    List<T> rows = list(connection, sql, row, parameters);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    try {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  static IOException failed(String what, SQLException e) {
    return new IOException(
        "PostgreSQL failed on "
            + what
            + ": "
            + e.getMessage()
            + " (SQLState "
            + e.getSQLState()
            + ")",
        e);
  }
}
