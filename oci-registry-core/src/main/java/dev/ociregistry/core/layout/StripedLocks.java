package dev.ociregistry.core.layout;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of locks chosen by key hash: serializes work on one digest or one tag without a
 * global lock and without a lock object per key.
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
    return stripes[Math.floorMod(key.hashCode() * 0x9E3779B9, stripes.length)];
  }
}
