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
    boolean ended = false;
    while (copied < limit && !ended) {
      int want = (int) Math.min(buffer.length, limit - copied);
      int filled = 0;
      try {
        while (filled < want) {
          int read = in.read(buffer, filled, want - filled);
          if (read < 0) {
            ended = true;
            break;
          }
          filled += read;
        }
      } catch (IOException e) {
        // Keep what arrived before the stream failed, so that an upload resumes right after it.
        append(buffer, wrapped, filled, out, digest);
        throw e;
      }
      append(buffer, wrapped, filled, out, digest);
      copied += filled;
    }
    return copied;
  }

  private static void append(
      byte[] buffer, ByteBuffer wrapped, int length, AppendableObject out, MessageDigest digest)
      throws IOException {
    if (length == 0) {
      return;
    }
    long before = out.size();
    wrapped.clear().limit(length);
    try {
      while (wrapped.hasRemaining()) {
        out.write(wrapped);
      }
    } catch (IOException e) {
      out.truncate(before);
      throw e;
    }
    digest.update(buffer, 0, length);
  }
}
