package dev.ociregistry.core.internal;

import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of locks chosen by key hash: serializes work on one digest or one tag without a
 * global lock and without a lock object per key.
 *
 * <p>A thread that needs several keys at once takes them with {@link #lockAll}, which takes their
 * stripes in one global order, so two such threads never wait for each other in a circle.
 */
public final class StripedLocks {
  private final ReentrantLock[] stripes;

  public StripedLocks(int count) {
    stripes = new ReentrantLock[count];
    for (int i = 0; i < count; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** The lock for {@code key}; equal keys always get the same lock. */
  public ReentrantLock lockFor(Object key) {
    return stripes[stripeOf(key)];
  }

  /** Locks every key of {@code keys} until the returned hold is closed. */
  public Held lockAll(Collection<?> keys) {
    TreeSet<Integer> ordered = new TreeSet<>();
    for (Object key : keys) {
      ordered.add(stripeOf(key));
    }
    int[] taken = new int[ordered.size()];
    int count = 0;
    try {
      for (int stripe : ordered) {
        stripes[stripe].lock();
        taken[count++] = stripe;
      }
    } catch (RuntimeException | Error e) {
      unlock(taken, count);
      throw e;
    }
    int held = count;
    return () -> unlock(taken, held);
  }

  /** Locks held by {@link #lockAll}; closing releases them. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }

  private void unlock(int[] taken, int count) {
    for (int i = count - 1; i >= 0; i--) {
      stripes[taken[i]].unlock();
    }
  }

  private int stripeOf(Object key) {
    return Math.floorMod(key.hashCode() * 0x9E3779B9, stripes.length);
  }
}
