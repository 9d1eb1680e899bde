package dev.ociregistry.servlet.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a servlet does with a request body it answers without reading: the registry servlet uses it
 * for every error, and servlets mounted beside it can too.
 *
 * <p>The answer must reach the client, and the server must never wait on a slow client to send what
 * it will not use. Some clients (the JDK's HTTP client among them) send their whole body before
 * they read the answer, and a server that closes a connection with unread content makes the kernel
 * reset it, which can destroy the answer before it is read. So: what has already arrived is read at
 * once; the rest of a body up to {@link #DRAIN_LIMIT} is read and dropped after the answer has been
 * sent, asynchronously, with no thread waiting, for at most {@link #DRAIN_TIMEOUT}; a larger body,
 * or one in a container without asynchronous I/O, gets {@code Connection: close}.
 */
public final class RequestBodies {
  /** The most of an unread body dropped after an answer, so that its client still reads it. */
  public static final long DRAIN_LIMIT = 8L * 1024 * 1024;

  /** How long an unread body is dropped for before the connection is closed. */
  public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private static final int AVAILABLE_LIMIT = 64 * 1024;

  private RequestBodies() {}

  /** Writes an answer. */
  public interface Answer {
    void write() throws IOException;
  }

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
   * Writes {@code answer} to a request whose body it does not need, and deals with what is left of
   * the body as the class comment says.
   */
  public static void answerWithoutBody(
      HttpServletRequest request, HttpServletResponse response, Answer answer) throws IOException {
    boolean dropAfter = false;
    if (hasUnreadBody(request)) {
      long length = request.getContentLengthLong();
      if (request.isAsyncSupported()
          && !request.isAsyncStarted()
          && length <= DRAIN_LIMIT
          && !response.isCommitted()) {
        dropAfter = true;
      } else {
        response.setHeader("Connection", "close");
      }
    }
    answer.write();
    if (dropAfter) {
      dropRest(request, response);
    }
  }

  /** Whether the body is unfinished after reading, without waiting, what has already arrived. */
  private static boolean hasUnreadBody(HttpServletRequest request) {
    long length = request.getContentLengthLong();
    if (length == 0 || (length < 0 && request.getHeader("Transfer-Encoding") == null)) {
      return false;
    }
    try {
      ServletInputStream body = request.getInputStream();
      byte[] buffer = new byte[8192];
      int left = AVAILABLE_LIMIT;
      while (left > 0 && !body.isFinished() && body.available() > 0) {
        int read = body.read(buffer, 0, Math.min(buffer.length, Math.min(left, body.available())));
        if (read < 0) {
          break;
        }
        left -= read;
      }
      return !body.isFinished();
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /** Sends the answer, then reads and drops the rest of the body without a thread waiting. */
  private static void dropRest(HttpServletRequest request, HttpServletResponse response) {
    AsyncContext async;
    ServletInputStream body;
    try {
      response.flushBuffer();
      body = request.getInputStream();
      async = request.startAsync();
    } catch (IOException | RuntimeException e) {
      return;
    }
    async.setTimeout(DRAIN_TIMEOUT.toMillis());
    AtomicBoolean done = new AtomicBoolean();
    Runnable finish =
        () -> {
          if (done.compareAndSet(false, true)) {
            async.complete();
          }
        };
    async.addListener(
        new AsyncListener() {
          @Override
          public void onComplete(AsyncEvent event) {}

          @Override
          public void onTimeout(AsyncEvent event) {
            finish.run();
          }

          @Override
          public void onError(AsyncEvent event) {
            finish.run();
          }

          @Override
          public void onStartAsync(AsyncEvent event) {}
        });
    try {
      body.setReadListener(
          new ReadListener() {
            private final byte[] buffer = new byte[8192];
            private long dropped;

            @Override
            public void onDataAvailable() throws IOException {
              while (!done.get() && body.isReady()) {
                int read = body.read(buffer);
                if (read < 0) {
                  return;
                }
                dropped += read;
                if (dropped > DRAIN_LIMIT) {
                  finish.run();
                  return;
                }
              }
            }

            @Override
            public void onAllDataRead() {
              finish.run();
            }

            @Override
            public void onError(Throwable failure) {
              finish.run();
            }
          });
    } catch (RuntimeException e) {
      // The body was read blocking before, which an asynchronous read cannot follow.
      finish.run();
    }
  }
}
