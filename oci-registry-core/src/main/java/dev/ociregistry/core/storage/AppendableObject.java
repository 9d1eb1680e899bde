package dev.ociregistry.core.storage;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * An object open for appending: writes go to its end, {@link #sync} makes them durable. Not safe
 * for concurrent use: one writer at a time.
 */
public interface AppendableObject extends WritableByteChannel {
  /**
   * {@return the current size in bytes, including writes not yet synced}
   *
   * @throws IOException when the storage fails
   */
  long size() throws IOException;

  /**
   * Cuts the object back to {@code size} bytes, dropping a failed write; the next write goes on
   * from there.
   *
   * @param size the length to keep, in bytes, at most {@link #size()}
   * @throws IOException when the storage fails
   */
  void truncate(long size) throws IOException;

  /**
   * Forces the bytes written so far to durable storage, so that a crash cannot lose them.
   *
   * @throws IOException when the storage fails
   */
  void sync() throws IOException;
}
