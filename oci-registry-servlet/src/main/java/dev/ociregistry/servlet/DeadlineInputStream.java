package dev.ociregistry.servlet;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Fails reads once a deadline has passed, so that one upload request cannot hold a slot forever.
 * What was read before stays stored; the client resumes the upload from there.
 */
final class DeadlineInputStream extends FilterInputStream {
  private final long deadlineNanos;
  private long received;

  DeadlineInputStream(InputStream in, long deadlineNanos) {
    super(in);
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public int read() throws IOException {
    checkDeadline();
    int b = super.read();
    if (b >= 0) {
      received++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    checkDeadline();
    int read = super.read(buffer, offset, length);
    if (read > 0) {
      received += read;
    }
    return read;
  }

  /** Bytes read so far. */
  long received() {
    return received;
  }

  private void checkDeadline() throws IOException {
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new IOException("upload request exceeded its time limit after " + received + " bytes");
    }
  }
}
