package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.postgres.PostgresDocuments;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Recipes and jobs in PostgreSQL, shared by every replica of the registry. */
final class SharedDocuments implements ProvisioningDocuments {
  private final PostgresDocuments documents;

  SharedDocuments(PostgresDocuments documents) {
    this.documents = documents;
  }

  @Override
  public void write(String directory, String name, ObjectNode content) throws IOException {
    documents.put(directory, name, JsonFiles.bytes(name, content));
  }

  @Override
  public boolean replace(String directory, String name, ObjectNode expected, ObjectNode content)
      throws IOException {
    // The stored bytes, not a fresh rendering of them, are what the conditional write compares.
    Optional<byte[]> stored = documents.read(directory, name);
    if (stored.isEmpty() || !ApiJson.parseObject(stored.get()).equals(expected)) {
      return false;
    }
    return documents.replace(directory, name, stored.get(), JsonFiles.bytes(name, content));
  }

  @Override
  public boolean delete(String directory, String name) throws IOException {
    return documents.delete(directory, name);
  }

  @Override
  public List<String> names(String directory) throws IOException {
    return documents.names(directory);
  }

  @Override
  public Optional<ObjectNode> read(String directory, String name) throws IOException {
    return JsonFiles.parsed(documents.read(directory, name), path(directory, name));
  }

  @Override
  public String path(String directory, String name) {
    return "the shared document " + directory + "/" + name;
  }

  @Override
  public boolean shared() {
    return true;
  }
}
