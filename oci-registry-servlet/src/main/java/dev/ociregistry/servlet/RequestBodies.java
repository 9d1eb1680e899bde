package dev.ociregistry.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * What a servlet does with a request body it answers without reading: the registry servlet uses it
 * before every error, and servlets mounted beside it can too.
 */
public final class RequestBodies {
  /**
   * Bodies up to this size are read to their end before an answer that did not need them. It is
   * well above every limit a route puts on what it accepts, so that a client told its body is too
   * large still reads that answer: a server that closes with unread content makes the kernel reset
   * the connection, and the reset can destroy the answer before the client reads it.
   */
  public static final long DRAIN_LIMIT = 8L * 1024 * 1024;

  private RequestBodies() {}

  /**
   * Reads a body that may hold at most {@code max} bytes, without reading more than one byte past
   * that.
   *
   * @return the body, or empty when it is declared or turns out to be larger
   */
  public static Optional<byte[]> readAtMost(InputStream body, long declaredLength, int max)
      throws IOException {
    if (declaredLength > max) {
      return Optional.empty();
    }
    byte[] bytes = body.readNBytes(max + 1);
    return bytes.length > max ? Optional.empty() : Optional.of(bytes);
  }

  /**
   * Reads what is left of the request body before an answer that did not need it, so that the
   * connection can serve the client's next request; past {@link #DRAIN_LIMIT}, or when reading
   * fails, the answer says {@code Connection: close} instead. Without this the server closes a
   * connection with unread content after answering, and a client that already sent its next request
   * on it sees the connection die.
   */
  public static void drainOrClose(HttpServletRequest request, HttpServletResponse response) {
    long length = request.getContentLengthLong();
    if (length == 0 || (length < 0 && request.getHeader("Transfer-Encoding") == null)) {
      return;
    }
    if (length > DRAIN_LIMIT) {
      response.setHeader("Connection", "close");
      return;
    }
    try {
      InputStream body = request.getInputStream();
      byte[] buffer = new byte[8192];
      long left = DRAIN_LIMIT;
      int read = 0;
      while (left > 0 && (read = body.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
        left -= read;
      }
      if (read >= 0 && body.read() >= 0) {
        response.setHeader("Connection", "close");
      }
    } catch (IOException | IllegalStateException e) {
      response.setHeader("Connection", "close");
    }
  }
}
