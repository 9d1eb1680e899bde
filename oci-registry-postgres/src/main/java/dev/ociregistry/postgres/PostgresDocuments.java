package dev.ociregistry.postgres;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Small documents an application keeps beside the registry, by directory and name, shared by its
 * replicas: each write is one statement, and {@link #replace} changes a document only while it is
 * still the one the caller read, so two replicas never both win a read-modify-write.
 */
public final class PostgresDocuments {
  private final Jdbc jdbc;

  /**
   * Documents in the database {@code pool} connects to.
   *
   * @param pool the connections
   */
  public PostgresDocuments(DataSource pool) {
    this.jdbc = new Jdbc(pool);
  }

  /**
   * Writes a document, replacing the one of that name.
   *
   * @param directory its directory
   * @param name its name
   * @param content its bytes
   * @throws IOException when the database fails
   */
  public void put(String directory, String name, byte[] content) throws IOException {
    jdbc.update(
        "INSERT INTO documents (directory, name, content, version) VALUES (?, ?, ?, 1)"
            + " ON CONFLICT (directory, name) DO UPDATE"
            + " SET content = EXCLUDED.content, version = documents.version + 1",
        directory,
        name,
        content);
  }

  /**
   * Writes a document unless there is one of that name already: the first writer wins, and every
   * caller gets the winner's bytes.
   *
   * @param directory its directory
   * @param name its name
   * @param content the bytes to write when there is none yet
   * @return the stored bytes: {@code content}, or the document another writer put first
   * @throws IOException when the database fails
   */
  public byte[] putIfAbsent(String directory, String name, byte[] content) throws IOException {
    return jdbc.inTransaction(
        connection -> {
          Jdbc.update(
              connection,
              "INSERT INTO documents (directory, name, content, version) VALUES (?, ?, ?, 1)"
                  + " ON CONFLICT (directory, name) DO NOTHING",
              directory,
              name,
              content);
          return Jdbc.one(
                  connection,
                  "SELECT content FROM documents WHERE directory = ? AND name = ?",
                  row -> row.getBytes(1),
                  directory,
                  name)
              .orElseThrow(
                  () -> new IOException(directory + "/" + name + " was removed as it was written"));
        });
  }

  /**
   * Replaces a document while it still holds {@code expected}.
   *
   * @param directory its directory
   * @param name its name
   * @param expected the bytes the caller read
   * @param content the new bytes
   * @return whether it was replaced; false when another writer changed or removed it meanwhile
   * @throws IOException when the database fails
   */
  public boolean replace(String directory, String name, byte[] expected, byte[] content)
      throws IOException {
    return jdbc.inTransaction(
        connection -> {
          Optional<byte[]> current =
              Jdbc.one(
                  connection,
                  "SELECT content FROM documents WHERE directory = ? AND name = ? FOR UPDATE",
                  row -> row.getBytes(1),
                  directory,
                  name);
          if (current.isEmpty() || !Arrays.equals(current.get(), expected)) {
            return false;
          }
          Jdbc.update(
              connection,
              "UPDATE documents SET content = ?, version = version + 1"
                  + " WHERE directory = ? AND name = ?",
              content,
              directory,
              name);
          return true;
        });
  }

  /**
   * Removes a document.
   *
   * @param directory its directory
   * @param name its name
   * @return whether there was one
   * @throws IOException when the database fails
   */
  public boolean delete(String directory, String name) throws IOException {
    return jdbc.update("DELETE FROM documents WHERE directory = ? AND name = ?", directory, name)
        > 0;
  }

  /**
   * The names in a directory.
   *
   * @param directory the directory
   * @return the names, sorted
   * @throws IOException when the database fails
   */
  public List<String> names(String directory) throws IOException {
    List<String> names =
        new ArrayList<>(
            jdbc.list(
                "SELECT name FROM documents WHERE directory = ?",
                row -> row.getString(1),
                directory));
    names.sort(null);
    return names;
  }

  /**
   * A document.
   *
   * @param directory its directory
   * @param name its name
   * @return its bytes, or empty when there is none
   * @throws IOException when the database fails
   */
  public Optional<byte[]> read(String directory, String name) throws IOException {
    return jdbc.one(
        "SELECT content FROM documents WHERE directory = ? AND name = ?",
        row -> row.getBytes(1),
        directory,
        name);
  }
}
