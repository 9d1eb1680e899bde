package dev.ociregistry.core.layout;

import dev.ociregistry.core.storage.AppendableObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copies a stream to the end of a stored object through a fixed set of buffers, updating a digest
 * with exactly the bytes that reached storage.
 *
 * <p>Hashing runs on the caller's thread while a writer thread writes the previous buffers and
 * makes them durable every {@link #SYNC_INTERVAL} bytes, so a copy costs about as much as hashing
 * alone and the final fsync of a publish has little left to do. Memory is {@link #BUFFERS} buffers
 * of {@link #BUFFER_SIZE} bytes, whatever the size of the transfer.
 *
 * <p>When the stream or the storage fails, {@link Interrupted} reports how many bytes were written
 * and a digest over exactly those bytes, and the object holds exactly them: a failed write is cut
 * back. The caller keeps going from there (an upload resumes at that offset).
 */
public final class HashingCopy {
  /** The size of each buffer. */
  public static final int BUFFER_SIZE = 256 * 1024;

  /** How many buffers one copy uses: the memory a transfer costs. */
  public static final int BUFFERS = 3;

  /** Written bytes are forced to storage at least this often, off the hashing thread. */
  public static final long SYNC_INTERVAL = 32L * 1024 * 1024;

  private static final ExecutorService WRITERS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "oci-registry-writer");
            thread.setDaemon(true);
            return thread;
          });

  private HashingCopy() {}

  /** A copy that stopped early; the object and {@link #digest()} agree on what was written. */
  public static final class Interrupted extends IOException {
    private static final long serialVersionUID = 1L;

    private final long written;
    private final transient MessageDigest digest;
    private final boolean storageFailed;

    Interrupted(Throwable cause, long written, MessageDigest digest, boolean storageFailed) {
      super(String.valueOf(cause.getMessage()), cause);
      this.written = written;
      this.digest = digest;
      this.storageFailed = storageFailed;
    }

    /** Bytes appended before the failure, all of them in the object. */
    public long written() {
      return written;
    }

    /** The digest state over the object's previous content plus exactly the written bytes. */
    public MessageDigest digest() {
      return digest;
    }

    /** Whether storage failed (rather than the input stream or the calling thread). */
    public boolean storageFailed() {
      return storageFailed;
    }
  }

  /**
   * Appends {@code in} to {@code out} until the stream ends or {@code limit} bytes were copied,
   * updating {@code digest} with them.
   *
   * @return the number of bytes appended; when it equals {@code limit} the stream may hold more
   * @throws Interrupted when the stream, the storage or the calling thread stopped the copy; the
   *     object and {@link Interrupted#digest()} agree then, and {@code digest} must not be used
   */
  public static long copy(InputStream in, AppendableObject out, MessageDigest digest, long limit)
      throws IOException {
    Pipeline pipeline = new Pipeline(out);
    Future<?> writer = WRITERS.submit(pipeline::writeAll);
    long handed = 0;
    Throwable stopped = null;
    boolean ended = false;
    while (handed < limit && !ended && !pipeline.failed()) {
      Chunk chunk;
      try {
        chunk = pipeline.free.take();
      } catch (InterruptedException e) {
        stopped = e;
        break;
      }
      int want = (int) Math.min(BUFFER_SIZE, limit - handed);
      try {
        while (chunk.length < want) {
          int read = in.read(chunk.data, chunk.length, want - chunk.length);
          if (read < 0) {
            ended = true;
            break;
          }
          chunk.length += read;
        }
      } catch (Throwable e) {
        stopped = e;
        ended = true;
      }
      int length = chunk.length;
      chunk.before = clone(digest);
      digest.update(chunk.data, 0, length);
      // Never blocks: the queue holds every buffer plus the end marker.
      pipeline.full.add(chunk);
      handed += length;
    }
    pipeline.full.add(Chunk.END);
    awaitUninterruptibly(writer);
    if (pipeline.writeFailure != null) {
      throw new Interrupted(
          pipeline.writeFailure, pipeline.failedChunkOffset, pipeline.failedChunkDigest, true);
    }
    if (stopped != null) {
      if (stopped instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new Interrupted(stopped, handed, digest, false);
    }
    return handed;
  }

  /** Waits for the writer to drain, so that no write is under way when the copy returns. */
  private static void awaitUninterruptibly(Future<?> writer) {
    boolean interrupted = false;
    while (true) {
      try {
        writer.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        throw new IllegalStateException("the writer thread failed", e.getCause());
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static MessageDigest clone(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(digest.getAlgorithm() + " cannot be cloned", e);
    }
  }

  /** One buffer on its way from the hashing thread to the writer. */
  private static final class Chunk {
    static final Chunk END = new Chunk(0);

    final byte[] data;
    int length;
    MessageDigest before;

    Chunk(int size) {
      data = new byte[size];
    }
  }

  /** The writer's side: writes chunks in order, syncs now and then, remembers the first failure. */
  private static final class Pipeline {
    final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(BUFFERS);
    final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final AppendableObject out;
    private volatile boolean failed;
    Throwable writeFailure;
    long failedChunkOffset;
    MessageDigest failedChunkDigest;

    Pipeline(AppendableObject out) {
      this.out = out;
      for (int i = 0; i < BUFFERS; i++) {
        free.add(new Chunk(BUFFER_SIZE));
      }
    }

    boolean failed() {
      return failed;
    }

    /**
     * Writes until the end marker. Any failure, checked or not, is recorded and the object cut back
     * to the chunk before it; later chunks are only recycled, so the caller never waits forever.
     */
    Void writeAll() throws InterruptedException {
      long written = 0;
      long unsynced = 0;
      while (true) {
        Chunk chunk = full.take();
        if (chunk == Chunk.END) {
          return null;
        }
        if (!failed) {
          try {
            write(chunk);
            try {
              if (unsynced + chunk.length >= SYNC_INTERVAL) {
                out.sync();
                unsynced = 0;
              } else {
                unsynced += chunk.length;
              }
            } catch (Throwable e) {
              // Not known to be durable: take the chunk back out, so object and digest agree.
              out.truncate(out.size() - chunk.length);
              throw e;
            }
            written += chunk.length;
          } catch (Throwable e) {
            writeFailure = e;
            failedChunkOffset = written;
            failedChunkDigest = chunk.before;
            failed = true;
          }
        }
        chunk.length = 0;
        chunk.before = null;
        free.add(chunk);
      }
    }

    private void write(Chunk chunk) throws IOException {
      long before = out.size();
      ByteBuffer buffer = ByteBuffer.wrap(chunk.data, 0, chunk.length);
      try {
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      } catch (IOException | RuntimeException | Error e) {
        out.truncate(before);
        throw e;
      }
    }
  }
}
