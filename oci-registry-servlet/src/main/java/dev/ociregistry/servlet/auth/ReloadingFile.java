package dev.ociregistry.servlet.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a file holds, read again when the file changes (its time, size or identity): a change that
 * does not read keeps what was there and is logged once, so a half-edited file never opens or
 * closes anything.
 *
 * @param <T> what the file is read into
 */
final class ReloadingFile<T> {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadingFile.class);

  /** Reads a file's content into a value. */
  interface Reader<T> {
    T read(Path file) throws IOException;
  }

  private record Loaded<T>(T value, Object version, long generation) {}

  private final Path file;
  private final Reader<T> reader;
  private volatile Loaded<T> loaded;

  private ReloadingFile(Path file, Reader<T> reader, Loaded<T> loaded) {
    this.file = file;
    this.reader = reader;
    this.loaded = loaded;
  }

  /**
   * Reads the file now.
   *
   * @throws IOException when it cannot be read or {@code reader} refuses it
   */
  static <T> ReloadingFile<T> load(Path file, Reader<T> reader) throws IOException {
    Object version = version(file);
    return new ReloadingFile<>(file, reader, new Loaded<>(reader.read(file), version, 0));
  }

  /** The value as the file holds it now, reading it again when it changed. */
  T get() {
    return current().value();
  }

  /** A number that grows each time a change of the file was read. */
  long generation() {
    return current().generation();
  }

  private Loaded<T> current() {
    Loaded<T> now = loaded;
    Object version;
    try {
      version = version(file);
    } catch (IOException e) {
      LOG.warn("{} cannot be read ({}); what it held stays in force", file, e.getMessage());
      return now;
    }
    if (Objects.equals(version, now.version())) {
      return now;
    }
    synchronized (this) {
      if (!Objects.equals(version, loaded.version())) {
        try {
          loaded = new Loaded<>(reader.read(file), version, loaded.generation() + 1);
          LOG.info("{} changed; the new content applies", file);
        } catch (IOException e) {
          LOG.warn(
              "{} changed but is not usable ({}); what it held stays in force",
              file,
              e.getMessage());
          loaded = new Loaded<>(loaded.value(), version, loaded.generation());
        }
      }
      return loaded;
    }
  }

  private static Object version(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return List.of(
        attributes.lastModifiedTime(),
        attributes.size(),
        Objects.requireNonNullElse(attributes.fileKey(), ""));
  }
}
