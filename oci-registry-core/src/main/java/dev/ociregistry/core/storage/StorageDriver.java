package dev.ociregistry.core.storage;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The storage I/O the layout needs, and nothing else: read a range, append, publish atomically,
 * list, stat, delete. Keys are {@code /}-separated relative paths built by the layout from
 * validated values; a driver never sees client input.
 *
 * <p>The filesystem is today's one implementation ({@link FileSystemStorage}); an object store can
 * implement the same contract so that the layout and the servlet stay unchanged.
 */
public interface StorageDriver {
  /** The object's size and modification time, or empty when there is none. */
  Optional<ObjectInfo> stat(String key) throws IOException;

  /**
   * Opens an object for reading from any position.
   *
   * @throws java.nio.file.NoSuchFileException when there is no such object
   */
  SeekableByteChannel openRead(String key) throws IOException;

  /**
   * Reads a small object whole.
   *
   * @return empty when there is no such object
   * @throws ObjectTooLargeException when the object is larger than {@code maxBytes}
   */
  Optional<byte[]> readSmall(String key, int maxBytes) throws IOException;

  /** Opens an object for appending, creating it (and its parents) when missing. */
  AppendableObject openAppend(String key) throws IOException;

  /**
   * Makes {@code source} durable and moves it to {@code target} in one atomic step, replacing
   * {@code target} if it exists. Readers see the old target or the whole new one, never a part.
   */
  void publish(String source, String target) throws IOException;

  /**
   * Writes {@code content} to {@code key} atomically and durably: a crash leaves the old content or
   * the new, never a torn file.
   */
  void writeAtomically(String key, byte[] content) throws IOException;

  /** A fresh key for a temporary object; temporaries are removed by {@link #removeTemporaries}. */
  String newTemporaryKey();

  /** Deletes every temporary object, as a crash may leave them behind. */
  void removeTemporaries() throws IOException;

  /**
   * The names of the direct children of {@code prefix} (objects and sub-prefixes), unordered. Empty
   * when there is no such prefix. The caller closes the stream.
   */
  Stream<String> list(String prefix) throws IOException;

  /** Whether {@code key} is a prefix (a directory) rather than an object or nothing. */
  boolean isPrefix(String key) throws IOException;

  /** Deletes an object durably (a crash cannot bring it back); returns whether it existed. */
  boolean delete(String key) throws IOException;

  /** Deletes a prefix and everything below it. */
  void deleteTree(String prefix) throws IOException;

  /**
   * Sets an object's modification time to now, the age garbage collection counts from.
   *
   * @return false when there is no such object
   */
  boolean touch(String key) throws IOException;
}
