package dev.ociregistry.servlet;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * The buffers blob downloads send through, bounded in total.
 *
 * <p>A download is fastest through a large buffer outside the heap: the file is read straight into
 * it and the container writes it to the socket without another copy (1 GiB from the page cache:
 * about 2000 MiB/s through 64 KiB on the heap, 4000 MiB/s through 1 MiB outside it). That needs a
 * container whose stream takes a {@link ByteBuffer} ({@code write(ByteBuffer)}, which Servlet 6.1
 * declares and Jetty 12's Servlet 6.0 stream already has), and it costs memory no heap limit
 * bounds, so there are {@link #LARGE_BUFFERS} of them, reused; downloads beyond them, and every
 * download in a container without that method, go through {@link #SMALL} bytes on the heap, as 200
 * machines pulling one layer at once must fit a small heap.
 */
final class DownloadBuffers {
  /** The heap buffer of a download that gets no large one. */
  static final int SMALL = 64 * 1024;

  static final int LARGE = 1024 * 1024;

  /** 16 MiB outside the heap in all. */
  static final int LARGE_BUFFERS = 16;

  private static final MethodType WRITE_BYTE_BUFFER =
      MethodType.methodType(void.class, ByteBuffer.class);

  /** Each stream class's {@code write(ByteBuffer)}, or null where it has none. */
  private static final ClassValue<MethodHandle> BYTE_BUFFER_WRITES =
      new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
          try {
            return MethodHandles.publicLookup().findVirtual(type, "write", WRITE_BYTE_BUFFER);
          } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
          }
        }
      };

  private final int largeBuffers;
  private final Semaphore largeLeft;
  private final Queue<ByteBuffer> idle = new ConcurrentLinkedQueue<>();

  DownloadBuffers() {
    this(LARGE_BUFFERS);
  }

  DownloadBuffers(int largeBuffers) {
    this.largeBuffers = largeBuffers;
    this.largeLeft = new Semaphore(largeBuffers);
  }

  /** How many large buffers downloads hold now. */
  int largeInUse() {
    return largeBuffers - largeLeft.availablePermits();
  }

  /**
   * A buffer for a download of {@code length} bytes to {@code out}: a large one outside the heap
   * when the stream takes one and one is free, else a heap buffer no larger than needed. Hand it
   * back with {@link #giveBack}.
   */
  ByteBuffer take(long length, ServletOutputStream out) {
    if (length > SMALL && takesByteBuffers(out) && largeLeft.tryAcquire()) {
      ByteBuffer reused = idle.poll();
      return reused != null ? reused.clear() : ByteBuffer.allocateDirect(LARGE);
    }
    return ByteBuffer.allocate((int) Math.min(SMALL, Math.max(1, length)));
  }

  /**
   * Ends a download's use of {@code buffer}. Only a buffer no write still holds may go to another
   * download: a container may still be sending from the buffer of a download that ended while its
   * client did not read, and reusing it would send that client another download's bytes. Such a
   * buffer is dropped, and a new one made in its place when next needed.
   */
  void giveBack(ByteBuffer buffer, boolean noWritePending) {
    if (!buffer.isDirect()) {
      return;
    }
    if (noWritePending) {
      idle.offer(buffer);
    }
    largeLeft.release();
  }

  /** Writes what {@code buffer} holds from its position to its limit. */
  static void write(ServletOutputStream out, ByteBuffer buffer) throws IOException {
    if (buffer.hasArray()) {
      out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
      buffer.position(buffer.limit());
      return;
    }
    try {
      BYTE_BUFFER_WRITES.get(out.getClass()).invoke(out, buffer);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("the container failed to write a buffer", e);
    }
  }

  static boolean takesByteBuffers(ServletOutputStream out) {
    return BYTE_BUFFER_WRITES.get(out.getClass()) != null;
  }
}
