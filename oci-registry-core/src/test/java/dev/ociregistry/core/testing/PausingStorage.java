package dev.ociregistry.core.testing;

import dev.ociregistry.core.storage.AppendableObject;
import dev.ociregistry.core.storage.ObjectInfo;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A storage decorator that stops a thread at a named step (an operation on a key, before or after
 * it runs) until the test lets it go: the way to force one exact interleaving of two threads. It
 * also records every write and delete in order, so a test can assert which came first.
 */
public final class PausingStorage implements StorageDriver {
  /** The storage operations a pause can name. */
  public enum Op {
    STAT,
    READ_SMALL,
    OPEN_READ,
    OPEN_APPEND,
    PUBLISH,
    WRITE,
    LIST,
    DELETE,
    TOUCH
  }

  /** Whether the thread stops before the operation runs or after it returned. */
  public enum When {
    BEFORE,
    AFTER
  }

  private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

  private final StorageDriver delegate;
  private final List<Pause> pauses = new CopyOnWriteArrayList<>();
  private final List<String> changes = new CopyOnWriteArrayList<>();

  public PausingStorage(StorageDriver delegate) {
    this.delegate = delegate;
  }

  /** One step at which the next matching call stops; one-shot. */
  public final class Pause {
    private final Op op;
    private final When when;
    private final Predicate<String> key;
    private final AtomicInteger skip;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Thread thread;

    private Pause(Op op, When when, Predicate<String> key, int occurrence) {
      this.op = op;
      this.when = when;
      this.key = key;
      this.skip = new AtomicInteger(occurrence - 1);
    }

    /** Waits until a thread stopped here; fails the test after 30 seconds. */
    public Thread awaitReached() throws InterruptedException {
      if (!reached.await(MAX_PAUSE.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("no thread reached " + this);
      }
      return thread;
    }

    public boolean isReached() {
      return reached.getCount() == 0;
    }

    /** Lets the stopped thread (or the next one to arrive) go on. */
    public void release() {
      pauses.remove(this);
      released.countDown();
    }

    private boolean matches(Op op, When when, String key) {
      return this.op == op
          && this.when == when
          && this.key.test(key)
          && reached.getCount() > 0
          && skip.getAndDecrement() <= 0;
    }

    private void hold() throws IOException {
      thread = Thread.currentThread();
      reached.countDown();
      try {
        if (!released.await(MAX_PAUSE.toSeconds(), TimeUnit.SECONDS)) {
          throw new IOException("paused for more than " + MAX_PAUSE + " at " + this);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while paused at " + this, e);
      }
    }

    @Override
    public String toString() {
      return when + " " + op;
    }
  }

  /** Stops the first call of {@code op} on exactly {@code key}, {@code when} it runs. */
  public Pause pauseAt(Op op, When when, String key) {
    return pauseAt(op, when, key::equals, 1);
  }

  /** Stops the {@code occurrence}-th call (1 for the first) of {@code op} on a matching key. */
  public Pause pauseAt(Op op, When when, Predicate<String> key, int occurrence) {
    Pause pause = new Pause(op, when, key, occurrence);
    pauses.add(pause);
    return pause;
  }

  /** Every write, publish and delete so far, as {@code "WRITE key"}, in the order they ran. */
  public List<String> changes() {
    return new ArrayList<>(changes);
  }

  private void step(Op op, When when, String key) throws IOException {
    for (Pause pause : pauses) {
      if (pause.matches(op, when, key)) {
        pause.hold();
        return;
      }
    }
  }

  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T around(Op op, String key, Call<T> call) throws IOException {
    step(op, When.BEFORE, key);
    T result = call.run();
    if (op == Op.WRITE || op == Op.PUBLISH || op == Op.DELETE) {
      changes.add(op + " " + key);
    }
    step(op, When.AFTER, key);
    return result;
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return around(Op.STAT, key, () -> delegate.stat(key));
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    return around(Op.OPEN_READ, key, () -> delegate.openRead(key));
  }

  @Override
  public Optional<byte[]> readSmall(String key, int maxBytes) throws IOException {
    return around(Op.READ_SMALL, key, () -> delegate.readSmall(key, maxBytes));
  }

  @Override
  public AppendableObject openAppend(String key) throws IOException {
    return around(Op.OPEN_APPEND, key, () -> delegate.openAppend(key));
  }

  @Override
  public void publish(String source, String target) throws IOException {
    around(
        Op.PUBLISH,
        target,
        () -> {
          delegate.publish(source, target);
          return null;
        });
  }

  @Override
  public void writeAtomically(String key, byte[] content) throws IOException {
    around(
        Op.WRITE,
        key,
        () -> {
          delegate.writeAtomically(key, content);
          return null;
        });
  }

  @Override
  public String newTemporaryKey() {
    return delegate.newTemporaryKey();
  }

  @Override
  public void removeTemporaries() throws IOException {
    delegate.removeTemporaries();
  }

  @Override
  public Stream<String> list(String prefix) throws IOException {
    return around(Op.LIST, prefix, () -> delegate.list(prefix));
  }

  @Override
  public boolean isPrefix(String key) throws IOException {
    return delegate.isPrefix(key);
  }

  @Override
  public boolean delete(String key) throws IOException {
    return around(Op.DELETE, key, () -> delegate.delete(key));
  }

  @Override
  public void deleteTree(String prefix) throws IOException {
    delegate.deleteTree(prefix);
  }

  @Override
  public boolean touch(String key) throws IOException {
    return around(Op.TOUCH, key, () -> delegate.touch(key));
  }
}
