package dev.ociregistry.servlet.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads small request bodies (manifests, API documents) whole before the request is handled,
 * without a thread waiting on the client while it sends: the body is read as it arrives
 * (asynchronous I/O), then the container dispatches the request again with the body in hand. A
 * client that stalls costs no request thread, only its connection, until the deadline or the
 * container's minimum data rate ends it.
 *
 * <p>The bytes held in memory are bounded in total: each body holds {@link #COST_FACTOR} times the
 * buffer it is read into (the bytes, and what parsing them builds) from one budget. The buffer
 * starts small and doubles as the body arrives, so a client that declares a large body and stalls
 * holds next to nothing; a request that finds the budget spent at its start waits briefly in line,
 * then is refused, and one whose body outgrows what is left is refused at once. In a container
 * whose servlet is not asynchronous, the body is read on the request thread, still within the
 * budget and the deadline.
 *
 * <p>Use: {@code Optional<byte[]> body = readAhead.body(request, max); if (body.isEmpty()) return;}
 * and handle the request with the body when it comes back.
 */
public final class BodyReadAhead {
  /** What a body costs the budget per byte: its array, and the tree or strings parsing it makes. */
  public static final int COST_FACTOR = 4;

  /** How many requests may wait for budget at once, each holding its thread. */
  public static final int MAX_WAITING = 16;

  /** How long a request waits for budget before it is refused. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(1);

  /**
   * The buffer a body starts with, whatever length it declares: a body's share of the budget grows
   * with what it has sent, so a client that declares a large body and sends nothing holds next to
   * nothing.
   */
  static final int FIRST_BUFFER = 16 * 1024;

  private static final String OUTCOME = BodyReadAhead.class.getName() + ".outcome";

  private final AdmissionQueue budget;
  private final Duration timeout;

  /**
   * @param budgetBytes the memory all bodies read ahead may take at once, counted at {@link
   *     #COST_FACTOR} times their size
   * @param timeout the longest a client may take to send one body
   */
  public BodyReadAhead(long budgetBytes, Duration timeout) {
    this.budget =
        new AdmissionQueue((int) Math.min(Integer.MAX_VALUE, budgetBytes), MAX_WAITING, MAX_WAIT);
    this.timeout = timeout;
  }

  /** Why a body was not read. */
  public enum Failure {
    /** Larger than the limit; nothing beyond the limit was kept. */
    TOO_LARGE,
    /** The client broke off, sent a malformed body, or ran out of time. */
    BROKE_OFF,
    /** Too many bodies in memory at once: the client should retry later. */
    BUSY
  }

  /** A body that could not be read, to be answered in the servlet's own error shape. */
  public static final class BodyException extends IOException {
    private static final long serialVersionUID = 1L;
    private final Failure failure;

    BodyException(Failure failure, String message) {
      super(message);
      this.failure = failure;
    }

    public Failure failure() {
      return failure;
    }
  }

  /**
   * The request's body of at most {@code max} bytes, or empty when it is being read: the request
   * then comes back (an {@link DispatcherType#ASYNC} dispatch of the same servlet) once it is, and
   * this returns the body or throws why it could not be read.
   *
   * @throws BodyException when the body is larger than {@code max}, breaks off or takes too long,
   *     or the budget has no room for it
   */
  public Optional<byte[]> body(HttpServletRequest request, int max) throws IOException {
    Object outcome = request.getAttribute(OUTCOME);
    if (outcome instanceof Read read) {
      return Optional.of(read.result());
    }
    long declared = request.getContentLengthLong();
    if (declared > max) {
      throw tooLarge(declared, max);
    }
    if (declared == 0 || (declared < 0 && request.getHeader("Transfer-Encoding") == null)) {
      return Optional.of(new byte[0]);
    }
    if (!request.isAsyncSupported()) {
      int reserved = cost(declared >= 0 ? declared : max);
      admitOrRefuse(reserved);
      try {
        return Optional.of(readBlocking(request, declared, max));
      } finally {
        budget.release(reserved);
      }
    }
    // What the body may grow to; one byte past a declared length shows that it lied.
    int capacity = (int) (declared >= 0 ? declared + 1 : max + 1L);
    int first = Math.min(capacity, FIRST_BUFFER);
    admitOrRefuse(cost(first));
    Read read = new Read(request, first, capacity, max, budget);
    request.setAttribute(OUTCOME, read);
    AsyncContext async = request.startAsync();
    async.setTimeout(timeout.toMillis());
    async.addListener(
        new AsyncListener() {
          @Override
          public void onComplete(AsyncEvent event) {
            read.releaseBudget();
          }

          @Override
          public void onTimeout(AsyncEvent event) {
            read.finish(
                async,
                new BodyException(
                    Failure.BROKE_OFF,
                    "the request body took longer than " + timeout.toSeconds() + " s"));
          }

          @Override
          public void onError(AsyncEvent event) {
            read.finish(async, broke(event.getThrowable()));
          }

          @Override
          public void onStartAsync(AsyncEvent event) {}
        });
    try {
      request.getInputStream().setReadListener(read.listener(async));
    } catch (IllegalStateException e) {
      // Something read the body before, which an asynchronous read cannot follow.
      read.finish(async, broke(e));
    }
    return Optional.empty();
  }

  /**
   * {@code request} with {@code body} as its body, for code that reads a request's input stream:
   * the bytes read ahead, served from memory.
   */
  public static HttpServletRequest withBody(HttpServletRequest request, byte[] body) {
    return new HttpServletRequestWrapper(request) {
      private final ByteArrayInputStream in = new ByteArrayInputStream(body);

      @Override
      public ServletInputStream getInputStream() {
        return new ServletInputStream() {
          @Override
          public int read() {
            return in.read();
          }

          @Override
          public int read(byte[] buffer, int offset, int length) {
            return in.read(buffer, offset, length);
          }

          @Override
          public boolean isFinished() {
            return in.available() == 0;
          }

          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void setReadListener(ReadListener listener) {
            throw new IllegalStateException("the body was already read");
          }
        };
      }

      @Override
      public long getContentLengthLong() {
        return body.length;
      }

      @Override
      public int getContentLength() {
        return body.length;
      }
    };
  }

  private static int cost(long bytes) {
    return (int) Math.min((long) Integer.MAX_VALUE, bytes * COST_FACTOR);
  }

  private void admitOrRefuse(int share) throws BodyException {
    if (!budget.admit(share)) {
      throw busy();
    }
  }

  private static BodyException busy() {
    return new BodyException(
        Failure.BUSY, "too many request bodies are being read at once; retry in a moment");
  }

  private byte[] readBlocking(HttpServletRequest request, long declared, int max)
      throws IOException {
    try (InputStream in = DeadlineInputStream.of(request, timeout)) {
      return RequestBodies.readAtMost(in, declared, max)
          .orElseThrow(() -> tooLarge(Math.max(declared, max + 1L), max));
    } catch (ClientIOException e) {
      throw broke(e);
    }
  }

  private static BodyException tooLarge(long size, int max) {
    return new BodyException(
        Failure.TOO_LARGE, "a body of " + size + " bytes or more exceeds the limit of " + max);
  }

  private static BodyException broke(Throwable cause) {
    BodyException broke =
        new BodyException(
            Failure.BROKE_OFF,
            "the request body broke off: " + (cause == null ? "unknown" : cause.getMessage()));
    if (cause != null) {
      broke.initCause(cause);
    }
    return broke;
  }

  /**
   * One body being read: its bytes so far and the share of the budget they hold, then its result or
   * its failure.
   */
  private static final class Read {
    private final ServletInputStream in;
    private final int capacity;
    private final int max;
    private final AdmissionQueue budget;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicInteger reserved = new AtomicInteger();
    private byte[] bytes;
    private int size;
    private volatile byte[] result;
    private volatile BodyException failure;

    Read(HttpServletRequest request, int first, int capacity, int max, AdmissionQueue budget)
        throws IOException {
      this.in = request.getInputStream();
      this.capacity = capacity;
      this.max = max;
      this.budget = budget;
      this.bytes = new byte[first];
      this.reserved.set(cost(first));
    }

    /** Doubles the buffer if the budget has room for it now; never waits. */
    private boolean grow() {
      int length = (int) Math.min((long) bytes.length * 2, capacity);
      int extra = cost(length) - cost(bytes.length);
      if (!budget.tryAdmit(extra)) {
        return false;
      }
      reserved.addAndGet(extra);
      bytes = Arrays.copyOf(bytes, length);
      return true;
    }

    void releaseBudget() {
      budget.release(reserved.getAndSet(0));
    }

    ReadListener listener(AsyncContext async) {
      return new ReadListener() {
        @Override
        public void onDataAvailable() throws IOException {
          while (!finished.get() && in.isReady()) {
            if (size == bytes.length && !grow()) {
              finish(async, busy());
              return;
            }
            int read = in.read(bytes, size, bytes.length - size);
            if (read < 0) {
              return;
            }
            size += read;
            if (size > max) {
              finish(async, tooLarge(size, max));
              return;
            }
          }
        }

        @Override
        public void onAllDataRead() {
          result = Arrays.copyOf(bytes, size);
          bytes = null;
          finish(async, null);
        }

        @Override
        public void onError(Throwable error) {
          finish(async, broke(error));
        }
      };
    }

    /** Ends the read once, with its failure or (null) its result, and hands the request back. */
    void finish(AsyncContext async, BodyException failed) {
      if (finished.compareAndSet(false, true)) {
        failure = failed;
        async.dispatch();
      }
    }

    byte[] result() throws BodyException {
      if (failure != null) {
        throw failure;
      }
      if (result == null) {
        throw new BodyException(Failure.BROKE_OFF, "the request body broke off");
      }
      return result;
    }
  }
}
