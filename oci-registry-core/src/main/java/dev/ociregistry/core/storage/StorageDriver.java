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
 * implement the same contract so that the layout and the servlet stay unchanged. A driver is used
 * by many threads at once and must be safe for that.
 */
public interface StorageDriver {
  /**
   * Looks an object up without opening it.
   *
   * @param key the object's key
   * @return its size and modification time, or empty when there is no such object (a prefix is
   *     none)
   * @throws IOException when the storage fails
   */
  Optional<ObjectInfo> stat(String key) throws IOException;

  /**
   * Opens an object for reading from any position, as a ranged blob GET needs.
   *
   * @param key the object's key
   * @return a read-only channel the caller closes
   * @throws java.nio.file.NoSuchFileException when there is no such object
   * @throws IOException when the storage fails otherwise
   */
  SeekableByteChannel openRead(String key) throws IOException;

  /**
   * Reads a small object whole, such as a manifest or a link.
   *
   * @param key the object's key
   * @param maxBytes the largest size accepted, in bytes; what is read is held in memory
   * @return the content, or empty when there is no such object
   * @throws ObjectTooLargeException when the object is larger than {@code maxBytes}
   * @throws IOException when the storage fails otherwise
   */
  Optional<byte[]> readSmall(String key, int maxBytes) throws IOException;

  /**
   * Opens an object for appending, creating it (and its parents) when missing, as an upload does.
   *
   * @param key the object's key
   * @return the object positioned at its end; the caller closes it
   * @throws IOException when the storage fails
   */
  AppendableObject openAppend(String key) throws IOException;

  /**
   * Makes {@code source} durable and moves it to {@code target} in one atomic step, replacing
   * {@code target} if it exists. Readers see the old target or the whole new one, never a part.
   *
   * @param source the complete object to move, usually a {@linkplain #newTemporaryKey temporary}
   * @param target where it goes; missing parents are created
   * @throws IOException when the storage fails, or cannot move atomically
   */
  void publish(String source, String target) throws IOException;

  /**
   * Writes {@code content} to {@code key} atomically and durably: a crash leaves the old content or
   * the new, never a torn file.
   *
   * @param key the object's key; an existing object is replaced
   * @param content the whole new content
   * @throws IOException when the storage fails
   */
  void writeAtomically(String key, byte[] content) throws IOException;

  /**
   * {@return a fresh key for a temporary object}, which no other call returns; temporaries are
   * removed by {@link #removeTemporaries}
   */
  String newTemporaryKey();

  /**
   * Deletes every temporary object, as a crash may leave them behind. Only safe while nothing
   * writes one, as when the registry opens.
   *
   * @throws IOException when the storage fails
   */
  void removeTemporaries() throws IOException;

  /**
   * The names of the direct children of {@code prefix} (objects and sub-prefixes), unordered. Empty
   * when there is no such prefix. The caller closes the stream.
   *
   * @param prefix the key whose children are listed
   * @return the children's last path components, not whole keys
   * @throws IOException when the storage fails
   */
  Stream<String> list(String prefix) throws IOException;

  /**
   * {@return whether {@code key} is a prefix (a directory) rather than an object or nothing}
   *
   * @param key the key to test
   * @throws IOException when the storage fails
   */
  boolean isPrefix(String key) throws IOException;

  /**
   * Deletes an object durably (a crash cannot bring it back).
   *
   * @param key the object's key
   * @return whether an object was deleted; false when there was none
   * @throws IOException when the storage fails
   */
  boolean delete(String key) throws IOException;

  /**
   * Deletes a prefix and everything below it; nothing happens when there is no such prefix.
   *
   * @param prefix the key of the tree to delete
   * @throws IOException when the storage fails
   */
  void deleteTree(String prefix) throws IOException;

  /**
   * Sets an object's modification time to now, the age garbage collection counts from.
   *
   * @param key the object's key
   * @return false when there is no such object
   * @throws IOException when the storage fails
   */
  boolean touch(String key) throws IOException;
}
