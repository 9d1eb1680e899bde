package dev.ociregistry.core.layout;

import dev.ociregistry.core.storage.AppendableObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Copies a stream to the end of a stored object through one fixed buffer, updating a digest with
 * exactly the bytes that reached storage. A failed write is cut back, so the object and the digest
 * always agree, whatever the stream or the disk does.
 */
public final class HashingCopy {
  /** The buffer each copy uses: the memory a transfer costs, whatever its size. */
  public static final int BUFFER_SIZE = 256 * 1024;

  private HashingCopy() {}

  /**
   * Appends {@code in} to {@code out} until the stream ends or {@code limit} bytes were copied.
   *
   * @return the number of bytes appended; when it equals {@code limit} the stream may hold more
   */
  public static long copy(InputStream in, AppendableObject out, MessageDigest digest, long limit)
      throws IOException {
    byte[] buffer = new byte[BUFFER_SIZE];
    ByteBuffer wrapped = ByteBuffer.wrap(buffer);
    long copied = 0;
    while (copied < limit) {
      int want = (int) Math.min(buffer.length, limit - copied);
      int read = in.readNBytes(buffer, 0, want);
      if (read <= 0) {
        break;
      }
      long before = out.size();
      wrapped.clear().limit(read);
      try {
        while (wrapped.hasRemaining()) {
          out.write(wrapped);
        }
      } catch (IOException e) {
        out.truncate(before);
        throw e;
      }
      digest.update(buffer, 0, read);
      copied += read;
      if (read < want) {
        break;
      }
    }
    return copied;
  }
}
