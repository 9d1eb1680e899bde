package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where recipes and jobs are kept: JSON documents by directory and name, each write atomic. Files
 * under the provisioning directory for one controller; a PostgreSQL table when replicas share the
 * registry, so that a job created through one is listed, served and updated through every other.
 */
interface ProvisioningDocuments {
  /** Writes a document, replacing the one of that name. */
  void write(String directory, String name, ObjectNode content) throws IOException;

  /**
   * Replaces a document while it still holds {@code expected}: false when another writer changed or
   * removed it meanwhile.
   */
  boolean replace(String directory, String name, ObjectNode expected, ObjectNode content)
      throws IOException;

  /** Removes a document; whether there was one. */
  boolean delete(String directory, String name) throws IOException;

  /** The names in a directory, sorted. */
  List<String> names(String directory) throws IOException;

  /** A document, or empty when there is none. */
  Optional<ObjectNode> read(String directory, String name) throws IOException;

  /** How messages name a document. */
  String path(String directory, String name);

  /** Whether other processes write too, so that what this one read before may be stale. */
  boolean shared();
}
