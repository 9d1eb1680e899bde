package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.storage.FileSystemStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The JSON files of the provisioning directory, written through {@link
 * FileSystemStorage#writeAtomically} (temp file, fsync, rename, directory fsync), so a crash leaves
 * the old file or the new one, never a torn one.
 */
final class JsonFiles implements ProvisioningDocuments {
  static final String SUFFIX = ".json";
  private static final int MAX_FILE_BYTES = 4 * ApiJson.MAX_BODY_BYTES;

  private final FileSystemStorage storage;

  JsonFiles(FileSystemStorage storage) {
    this.storage = storage;
  }

  /** Removes temporaries a crash left behind. */
  void removeTemporaries() throws IOException {
    storage.removeTemporaries();
  }

  /**
   * Writes one file, compact, so that what was accepted can always be read back.
   *
   * @throws ApiException 413 when it would be larger than a file that is read back at start
   */
  @Override
  public void write(String directory, String name, ObjectNode content) throws IOException {
    storage.writeAtomically(key(directory, name), bytes(name, content));
  }

  /** The document's bytes, refused when larger than a document may be. */
  static byte[] bytes(String name, ObjectNode content) throws IOException {
    byte[] bytes = ApiJson.MAPPER.writeValueAsBytes(content);
    if (bytes.length > MAX_FILE_BYTES) {
      throw ApiException.tooLarge(
          name + " would take " + bytes.length + " bytes; at most " + MAX_FILE_BYTES + " are kept");
    }
    return bytes;
  }

  /** One process writes these files: the caller's lock makes the read and the write one step. */
  @Override
  public boolean replace(String directory, String name, ObjectNode expected, ObjectNode content)
      throws IOException {
    if (!read(directory, name).map(expected::equals).orElse(false)) {
      return false;
    }
    write(directory, name, content);
    return true;
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public boolean delete(String directory, String name) throws IOException {
    return storage.delete(key(directory, name));
  }

  /** The names (without {@code .json}) of the JSON files in {@code directory}, sorted. */
  @Override
  public List<String> names(String directory) throws IOException {
    try (Stream<String> files = storage.list(directory)) {
      List<String> names = new ArrayList<>();
      files
          .filter(file -> file.endsWith(SUFFIX) && file.length() > SUFFIX.length())
          .map(file -> file.substring(0, file.length() - SUFFIX.length()))
          .sorted()
          .forEach(names::add);
      return names;
    }
  }

  /**
   * Reads one file.
   *
   * @throws IOException when it is not a JSON object
   */
  @Override
  public Optional<ObjectNode> read(String directory, String name) throws IOException {
    return parsed(storage.readSmall(key(directory, name), MAX_FILE_BYTES), path(directory, name));
  }

  /** A stored document's object; {@code path} names it when it is not valid JSON. */
  static Optional<ObjectNode> parsed(Optional<byte[]> bytes, String path) throws IOException {
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ApiJson.parseObject(bytes.get()));
    } catch (ApiException e) {
      throw new IOException(path + " is not valid: " + e.getMessage(), e);
    }
  }

  /** The file's path for messages. */
  @Override
  public String path(String directory, String name) {
    return storage.root().resolve(key(directory, name)).toString();
  }

  private static String key(String directory, String name) {
    return directory + "/" + name + SUFFIX;
  }
}
