package dev.ociregistry.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local file holding one part on its way to the object store: the store wants each part's length
 * before its bytes, and a retried request must be able to send them again, so parts pass through
 * the disk, never through the heap.
 */
final class Spool implements AutoCloseable {
  private static final int BUFFER_SIZE = 64 * 1024;

  /** Sees the bytes that pass, to hash them. */
  @FunctionalInterface
  interface Observer {
    Observer NONE = (bytes, offset, count) -> {};

    void update(byte[] bytes, int offset, int count);
  }

  private final Path file;
  private final OutputStream out;
  private long size;

  private Spool(Path file) throws IOException {
    this.file = file;
    this.out = Files.newOutputStream(file);
  }

  static Spool create(Path directory) throws IOException {
    return new Spool(Files.createTempFile(directory, "part-", ".spool"));
  }

  /**
   * Copies from {@code in} until {@code max} bytes were copied or it ends.
   *
   * @return the bytes copied; fewer than {@code max} only when {@code in} ended
   */
  long fill(InputStream in, long max, Observer observer) throws IOException {
    byte[] buffer = new byte[(int) Math.min(BUFFER_SIZE, Math.max(max, 1))];
    long copied = 0;
    while (copied < max) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, max - copied));
      if (read < 0) {
        break;
      }
      out.write(buffer, 0, read);
      observer.update(buffer, 0, read);
      copied += read;
    }
    size += copied;
    return copied;
  }

  /** The file, complete: no more bytes go in. */
  Path finish() throws IOException {
    out.close();
    return file;
  }

  long size() {
    return size;
  }

  @Override
  public void close() throws IOException {
    try {
      out.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
