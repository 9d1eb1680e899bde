package dev.ociregistry.core.internal;

import dev.ociregistry.core.storage.AppendableObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Copies a stream to the end of a stored object through a fixed set of buffers, updating a digest
 * with exactly the bytes that reached storage.
 *
 * <p>Three things overlap. The caller's thread reads a buffer and writes it; a hashing thread
 * digests the buffers already written; every {@link #SYNC_INTERVAL} bytes a sync starts in the
 * background while writing goes on, with at most one sync under way. Hashing is the costliest step
 * per byte, so it gets a thread to itself: a copy runs at about the speed of hashing alone, or of
 * durable writes where storage is slower, and the final fsync of a publish has little left to do.
 * Memory is at most {@link #BUFFERS} buffers of {@link #BUFFER_SIZE} bytes, whatever the size of
 * the transfer; buffers are allocated as the transfer needs them.
 *
 * <p>When the stream or the storage fails, {@link Interrupted} reports how many bytes were written
 * and a digest over exactly those bytes, and the object holds exactly them: a failed write is cut
 * back, and a failed sync cuts back everything the copy wrote, since none of it is known to be
 * durable then. The caller keeps going from there (an upload resumes at that offset). Only when the
 * cut-back itself fails (its failure is suppressed in the cause) does the object hold bytes past
 * {@link Interrupted#written()}, and the caller cuts them back before using the object. An
 * unchecked exception means hashing failed: the object's content is unknown then.
 */
public final class HashingCopy {
  /** The size of each buffer. */
  public static final int BUFFER_SIZE = 256 * 1024;

  /** How many buffers one copy uses: the memory a transfer costs. */
  public static final int BUFFERS = 4;

  /** A sync of the written bytes starts at least this often, off the caller's thread. */
  public static final long SYNC_INTERVAL = 32L * 1024 * 1024;

  /**
   * Threads made on demand and gone after a second idle, with the library's class loader as their
   * context: a request thread of a servlet container creates them, and they must neither hold the
   * web application's class loader nor outlive a redeployment.
   */
  private static final ExecutorService HELPERS =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          1,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          task -> {
            Thread thread = new Thread(task, "oci-registry-copy");
            thread.setDaemon(true);
            thread.setContextClassLoader(HashingCopy.class.getClassLoader());
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

    /** Bytes appended before the failure, all of them in the object (see the class comment). */
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
    long start = out.size();
    MessageDigest atStart = clone(digest);
    Hasher hasher = new Hasher(digest, (int) Math.min(BUFFER_SIZE, limit));
    Future<Throwable> hashing = HELPERS.submit(hasher::hashAll);
    BackgroundSync sync = new BackgroundSync(out);
    long copied = 0;
    long unsynced = 0;
    Throwable streamFailure = null;
    Throwable writeFailure = null;
    Throwable hashFailure;
    boolean ended = false;
    try {
      while (copied < limit && !ended && !hasher.failed() && !sync.failed()) {
        byte[] buffer;
        try {
          buffer = hasher.nextFree();
        } catch (InterruptedException e) {
          streamFailure = e;
          break;
        }
        int want = (int) Math.min(BUFFER_SIZE, limit - copied);
        int length = 0;
        try {
          while (length < want) {
            stopIfInterrupted();
            int read = in.read(buffer, length, want - length);
            if (read < 0) {
              ended = true;
              break;
            }
            length += read;
          }
          // A write with the interrupt flag set would close a file channel under it.
          stopIfInterrupted();
        } catch (InterruptedException e) {
          // What was read is dropped, as if it had not arrived.
          streamFailure = e;
          break;
        } catch (Throwable e) {
          streamFailure = e;
          ended = true;
        }
        try {
          write(out, buffer, length);
        } catch (Throwable e) {
          writeFailure = e;
          break;
        }
        hasher.hash(buffer, length);
        copied += length;
        unsynced += length;
        if (unsynced >= SYNC_INTERVAL) {
          sync.start();
          unsynced = 0;
        }
      }
    } finally {
      hasher.finish();
      hashFailure = awaitUninterruptibly(hashing);
      sync.await();
    }
    if (streamFailure instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    if (hashFailure != null) {
      throw new IllegalStateException("hashing the copy failed", hashFailure);
    }
    if (sync.failure != null) {
      cutBack(out, start, sync.failure);
      throw new Interrupted(sync.failure, 0, atStart, true);
    }
    if (writeFailure != null) {
      cutBack(out, start + copied, writeFailure);
      throw new Interrupted(writeFailure, copied, digest, true);
    }
    if (streamFailure != null) {
      throw new Interrupted(streamFailure, copied, digest, false);
    }
    return copied;
  }

  /** Clears the interrupt flag and stops the copy when it was set; the copy sets it again. */
  private static void stopIfInterrupted() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("the copying thread was interrupted");
    }
  }

  private static void write(AppendableObject out, byte[] buffer, int length) throws IOException {
    ByteBuffer remaining = ByteBuffer.wrap(buffer, 0, length);
    while (remaining.hasRemaining()) {
      out.write(remaining);
    }
  }

  /**
   * Drops what a failure left past {@code size}, so that object and digest agree again. When that
   * fails too, the failure carries it and the object keeps bytes past {@code size}.
   */
  private static void cutBack(AppendableObject out, long size, Throwable failure) {
    try {
      out.truncate(size);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Waits for a helper task, so that no helper touches the object or digest after the copy, and
   * returns the failure it threw or returned.
   */
  private static Throwable awaitUninterruptibly(Future<?> task) {
    boolean interrupted = false;
    Throwable failure;
    while (true) {
      try {
        failure = task.get() instanceof Throwable returned ? returned : null;
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        failure = e.getCause();
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return failure;
  }

  private static MessageDigest clone(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(digest.getAlgorithm() + " cannot be cloned", e);
    }
  }

  /** The hashing thread's side: digests written buffers in order and hands them back. */
  private static final class Hasher {
    private static final Written END = new Written(new byte[0], 0);

    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final int bufferSize;
    private int allocated;
    private final BlockingQueue<Written> written = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final MessageDigest digest;
    private volatile boolean failed;

    /** A buffer whose first {@code length} bytes reached storage. */
    private record Written(byte[] buffer, int length) {}

    Hasher(MessageDigest digest, int bufferSize) {
      this.digest = digest;
      this.bufferSize = bufferSize;
    }

    /**
     * A buffer to fill: one handed back, else a new one while fewer than {@link #BUFFERS} exist,
     * else the next one handed back. A small blob never costs the memory of a large one.
     */
    byte[] nextFree() throws InterruptedException {
      byte[] buffer = free.poll();
      if (buffer == null && allocated < BUFFERS) {
        allocated++;
        return new byte[bufferSize];
      }
      return buffer != null ? buffer : free.take();
    }

    boolean failed() {
      return failed;
    }

    /** Queues a written buffer; never blocks, the queue holds every buffer plus the end. */
    void hash(byte[] buffer, int length) {
      written.add(new Written(buffer, length));
    }

    void finish() {
      written.add(END);
    }

    /**
     * Hashes until the end marker and returns the first failure, if any. After a failure buffers
     * are only handed back, so the caller never waits forever for a free one.
     */
    Throwable hashAll() throws InterruptedException {
      Throwable failure = null;
      while (true) {
        Written next = written.take();
        if (next == END) {
          return failure;
        }
        if (!failed) {
          try {
            digest.update(next.buffer, 0, next.length);
          } catch (Throwable e) {
            failure = e;
            failed = true;
          }
        }
        free.add(next.buffer);
      }
    }
  }

  /** Syncs of the object that run while the caller goes on writing; one at a time. */
  private static final class BackgroundSync {
    private final AppendableObject out;
    private Future<?> running;
    Throwable failure;

    BackgroundSync(AppendableObject out) {
      this.out = out;
    }

    boolean failed() {
      return failure != null;
    }

    /** Waits for the sync under way, then starts one over everything written so far. */
    void start() {
      await();
      if (failure == null) {
        running =
            HELPERS.submit(
                () -> {
                  out.sync();
                  return null;
                });
      }
    }

    /** Waits for the sync under way, if any, and records its failure. */
    void await() {
      if (running != null) {
        Throwable thrown = awaitUninterruptibly(running);
        running = null;
        if (failure == null) {
          failure = thrown;
        }
      }
    }
  }
}
