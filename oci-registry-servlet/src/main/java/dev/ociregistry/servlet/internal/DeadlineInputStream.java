package dev.ociregistry.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A request body as the servlet reads it: reads fail once a deadline has passed, so that one upload
 * request cannot hold a slot forever, and every failure is marked as the client's ({@link
 * ClientIOException}). What was read before stays stored; the client resumes the upload from there.
 */
public final class DeadlineInputStream extends FilterInputStream {
  private final long deadlineNanos;
  private long received;

  private DeadlineInputStream(InputStream in, long deadlineNanos) {
    super(in);
    this.deadlineNanos = deadlineNanos;
  }

  /** The body of {@code request}, to be read within {@code timeout} from now. */
  public static DeadlineInputStream of(HttpServletRequest request, Duration timeout)
      throws IOException {
    return of(request.getInputStream(), timeout);
  }

  /** {@code in}, to be read within {@code timeout} from now. */
  public static DeadlineInputStream of(InputStream in, Duration timeout) {
    return new DeadlineInputStream(in, System.nanoTime() + timeout.toNanos());
  }

  @Override
  public int read() throws IOException {
    checkDeadline();
    int b;
    try {
      b = super.read();
    } catch (IOException | RuntimeException e) {
      // The container reports a malformed body (bad chunk encoding) unchecked: still the client's.
      throw new ClientIOException("the request body broke off: " + e.getMessage(), e);
    }
    if (b >= 0) {
      received++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    checkDeadline();
    int read;
    try {
      read = super.read(buffer, offset, length);
    } catch (IOException | RuntimeException e) {
      // The container reports a malformed body (bad chunk encoding) unchecked: still the client's.
      throw new ClientIOException("the request body broke off: " + e.getMessage(), e);
    }
    if (read > 0) {
      received += read;
    }
    return read;
  }

  private void checkDeadline() throws IOException {
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new ClientIOException(
          "upload request exceeded its time limit after " + received + " bytes", null);
    }
  }
}
