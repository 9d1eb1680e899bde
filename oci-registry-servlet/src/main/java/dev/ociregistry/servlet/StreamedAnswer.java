package dev.ociregistry.servlet;

import dev.ociregistry.servlet.internal.ClientIOException;
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
 * each call sends what fits, through one buffer from {@link DownloadBuffers}. A download is ended
 * (the connection closed) once it has taken longer than its deadline. In a container whose servlet
 * is not asynchronous, the range is written on the request thread, against the same deadline.
 */
final class StreamedAnswer {
  private static final Logger LOG = LoggerFactory.getLogger(StreamedAnswer.class);

  private final DownloadBuffers buffers;
  private final Duration timeout;

  StreamedAnswer(DownloadBuffers buffers, Duration timeout) {
    this.buffers = buffers;
    this.timeout = timeout;
  }

  /**
   * Sends {@code length} bytes of {@code channel} from {@code first}, then closes the channel,
   * whether or not the client read it all.
   */
  void send(
      HttpServletRequest request,
      HttpServletResponse response,
      SeekableByteChannel channel,
      long first,
      long length)
      throws IOException {
    channel.position(first);
    ServletOutputStream out = response.getOutputStream();
    if (!request.isAsyncSupported() || length == 0) {
      try (channel) {
        sendBlocking(channel, length, out);
      }
      return;
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(timeout.toMillis());
    Transfer transfer = new Transfer(channel, length, out, async, buffers.take(length, out));
    async.addListener(transfer);
    out.setWriteListener(transfer);
  }

  private void sendBlocking(SeekableByteChannel channel, long length, ServletOutputStream out)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ByteBuffer buffer = buffers.take(length, out);
    boolean whole = false;
    try {
      long remaining = length;
      while (remaining > 0) {
        if (System.nanoTime() - deadline > 0) {
          throw new ClientIOException("download exceeded its time limit of " + timeout, null);
        }
        remaining -= fill(channel, buffer, remaining);
        try {
          DownloadBuffers.write(out, buffer);
        } catch (IOException e) {
          throw new ClientIOException("the client stopped reading: " + e.getMessage(), e);
        }
      }
      whole = true;
    } finally {
      buffers.giveBack(buffer, whole);
    }
  }

  /** Reads the next part of the range into {@code buffer}, ready to be written. */
  private static int fill(SeekableByteChannel channel, ByteBuffer buffer, long remaining)
      throws IOException {
    buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
    int read = 0;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer);
      if (n < 0) {
        throw new IOException("blob ended " + (remaining - read) + " bytes early");
      }
      read += n;
    }
    buffer.flip();
    return read;
  }

  /** One download in flight, called back as the connection takes more. */
  private final class Transfer implements WriteListener, AsyncListener {
    private final SeekableByteChannel channel;
    private final ServletOutputStream out;
    private final AsyncContext async;
    private final ByteBuffer buffer;
    private final AtomicBoolean ended = new AtomicBoolean();
    private long remaining;

    Transfer(
        SeekableByteChannel channel,
        long length,
        ServletOutputStream out,
        AsyncContext async,
        ByteBuffer buffer) {
      this.channel = channel;
      this.remaining = length;
      this.out = out;
      this.async = async;
      this.buffer = buffer;
    }

    @Override
    public void onWritePossible() throws IOException {
      while (!ended.get() && out.isReady()) {
        if (remaining == 0) {
          end(null, false, true);
          return;
        }
        try {
          remaining -= fill(channel, buffer, remaining);
        } catch (IOException e) {
          end(e, true, true);
          return;
        }
        DownloadBuffers.write(out, buffer);
      }
    }

    /** Writing failed: the client went away or stopped reading. */
    @Override
    public void onError(Throwable failure) {
      end(failure, false, false);
    }

    /**
     * Past the deadline: no more is sent, and the exchange ends; a write the client does not read
     * stays pending until the container's idle timeout closes the connection.
     */
    @Override
    public void onTimeout(AsyncEvent event) {
      LOG.debug("download ended after its time limit with {} bytes unsent", remaining);
      end(new ClientIOException("download exceeded its time limit", null), false, false);
    }

    @Override
    public void onError(AsyncEvent event) {
      end(event.getThrowable(), false, false);
    }

    /** The exchange ended, by {@link #end} or by the container on its own (when it stops). */
    @Override
    public void onComplete(AsyncEvent event) {
      if (ended.compareAndSet(false, true)) {
        buffers.giveBack(buffer, false);
      }
      closeChannel();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}

    /**
     * Ends the download once and completes it. An answer cut short of its declared length cannot go
     * on, so the container then closes the connection: the client sees a body cut short, never a
     * complete-looking one. Only a failure to read the blob is the storage's, and warned about.
     * {@code writeIdle} says the container holds none of the buffer: it is ended from the write
     * callback, after the container said it could take more.
     */
    private void end(Throwable failure, boolean storageFailed, boolean writeIdle) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      closeChannel();
      buffers.giveBack(buffer, writeIdle);
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
