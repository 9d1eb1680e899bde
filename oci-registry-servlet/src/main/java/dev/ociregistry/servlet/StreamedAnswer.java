package dev.ociregistry.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a range of a blob's file as the response body without a thread waiting on a client that
 * reads slowly: the container calls back when the connection can take more (asynchronous I/O), and
 * each call sends what fits, through one small buffer. A download is ended (the connection closed)
 * once it has taken longer than its deadline. In a container whose servlet is not asynchronous, the
 * range is written on the request thread, against the same deadline.
 */
final class StreamedAnswer {
  private static final Logger LOG = LoggerFactory.getLogger(StreamedAnswer.class);

  /**
   * What one download holds while it streams. Provisioning pulls one layer to a whole rack at once
   * and every download waiting on a full socket keeps its buffer, so it is kept small: 200 of them
   * cost 12.5 MiB of a 64 MiB heap (256 KiB buffers ran such a heap out of memory).
   */
  static final int BUFFER_SIZE = 64 * 1024;

  private StreamedAnswer() {}

  /**
   * Sends {@code length} bytes of {@code channel} from {@code first}, then closes the channel,
   * whether or not the client read it all.
   */
  static void send(
      HttpServletRequest request,
      HttpServletResponse response,
      SeekableByteChannel channel,
      long first,
      long length,
      Duration timeout)
      throws IOException {
    channel.position(first);
    if (!request.isAsyncSupported() || length == 0) {
      try (channel) {
        sendBlocking(channel, length, response.getOutputStream(), timeout);
      }
      return;
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(timeout.toMillis());
    ServletOutputStream out = response.getOutputStream();
    Transfer transfer = new Transfer(channel, length, out, async);
    async.addListener(transfer);
    out.setWriteListener(transfer);
  }

  private static void sendBlocking(
      SeekableByteChannel channel, long length, ServletOutputStream out, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    long remaining = length;
    while (remaining > 0) {
      if (System.nanoTime() - deadline > 0) {
        throw new ClientIOException("download exceeded its time limit of " + timeout, null);
      }
      int read = fill(channel, buffer, remaining);
      try {
        out.write(buffer.array(), 0, read);
      } catch (IOException e) {
        throw new ClientIOException("the client stopped reading: " + e.getMessage(), e);
      }
      remaining -= read;
    }
  }

  private static int fill(SeekableByteChannel channel, ByteBuffer buffer, long remaining)
      throws IOException {
    buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
    int read = channel.read(buffer);
    if (read < 0) {
      throw new IOException("blob ended " + remaining + " bytes early");
    }
    return read;
  }

  /** One download in flight, called back as the connection takes more. */
  private static final class Transfer implements WriteListener, AsyncListener {
    private final SeekableByteChannel channel;
    private final ServletOutputStream out;
    private final AsyncContext async;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    private final AtomicBoolean ended = new AtomicBoolean();
    private long remaining;

    Transfer(
        SeekableByteChannel channel, long length, ServletOutputStream out, AsyncContext async) {
      this.channel = channel;
      this.remaining = length;
      this.out = out;
      this.async = async;
    }

    @Override
    public void onWritePossible() throws IOException {
      while (!ended.get() && out.isReady()) {
        if (remaining == 0) {
          end(null, false);
          return;
        }
        int read;
        try {
          read = fill(channel, buffer, remaining);
        } catch (IOException e) {
          end(e, true);
          return;
        }
        remaining -= read;
        out.write(buffer.array(), 0, read);
      }
    }

    /** Writing failed: the client went away or stopped reading. */
    @Override
    public void onError(Throwable failure) {
      end(failure, false);
    }

    /**
     * Past the deadline: no more is sent, and the exchange ends; a write the client does not read
     * stays pending until the container's idle timeout closes the connection.
     */
    @Override
    public void onTimeout(AsyncEvent event) {
      LOG.debug("download ended after its time limit with {} bytes unsent", remaining);
      end(new ClientIOException("download exceeded its time limit", null), false);
    }

    @Override
    public void onError(AsyncEvent event) {
      end(event.getThrowable(), false);
    }

    @Override
    public void onComplete(AsyncEvent event) {
      closeChannel();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}

    /**
     * Ends the download once and completes it. An answer cut short of its declared length cannot go
     * on, so the container then closes the connection: the client sees a body cut short, never a
     * complete-looking one. Only a failure to read the blob is the storage's, and warned about.
     */
    private void end(Throwable failure, boolean storageFailed) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      closeChannel();
      if (failure != null && storageFailed) {
        LOG.warn("a download failed reading storage with {} bytes unsent", remaining, failure);
      } else if (failure != null) {
        LOG.debug("a download ended early: {}", String.valueOf(failure));
      }
      async.complete();
    }

    private void closeChannel() {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing a blob: {}", e.toString());
      }
    }
  }
}
