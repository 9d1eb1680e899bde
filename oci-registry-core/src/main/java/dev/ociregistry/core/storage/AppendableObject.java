package dev.ociregistry.core.storage;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/** An object open for appending: writes go to its end, {@link #sync} makes them durable. */
public interface AppendableObject extends WritableByteChannel {
  /** Current size in bytes. */
  long size() throws IOException;

  /** Cuts the object back to {@code size} bytes, dropping a failed write. */
  void truncate(long size) throws IOException;

  /** Forces written bytes to durable storage. */
  void sync() throws IOException;
}
