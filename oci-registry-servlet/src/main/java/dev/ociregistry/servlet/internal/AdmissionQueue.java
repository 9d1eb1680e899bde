package dev.ociregistry.servlet.internal;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded resource (upload slots, bytes of request bodies in memory) that requests take in the
 * order they ask for it. A request that cannot have its share at once waits up to a bounded time,
 * holding its thread, so no more than a bounded number wait at once: more would let one client
 * occupy every request thread and stop the server answering anyone. Those beyond get no at once.
 */
public final class AdmissionQueue {
  private final Semaphore permits;
  private final int capacity;
  private final int maxWaiting;
  private final Duration maxWait;
  private final AtomicInteger waiting = new AtomicInteger();

  public AdmissionQueue(int capacity, int maxWaiting, Duration maxWait) {
    // Fair: requests beyond the capacity get their share in the order they asked.
    this.permits = new Semaphore(capacity, true);
    this.capacity = capacity;
    this.maxWaiting = maxWaiting;
    this.maxWait = maxWait;
  }

  /** All of the resource. */
  public int capacity() {
    return capacity;
  }

  /** How long a request may wait for its share. */
  Duration maxWait() {
    return maxWait;
  }

  /**
   * Takes {@code share} (at most the capacity), waiting behind earlier requests up to the maximum
   * wait.
   *
   * @return whether it was taken; if so, the caller must {@link #release(int)} it
   */
  public boolean admit(int share) {
    int wanted = Math.min(share, capacity);
    try {
      // A zero timeout keeps the order: it never takes a share ahead of requests already waiting.
      if (permits.tryAcquire(wanted, 0, TimeUnit.NANOSECONDS)) {
        return true;
      }
      if (maxWait.isZero()) {
        return false;
      }
      if (waiting.incrementAndGet() > maxWaiting) {
        waiting.decrementAndGet();
        return false;
      }
      try {
        return permits.tryAcquire(wanted, maxWait.toNanos(), TimeUnit.NANOSECONDS);
      } finally {
        waiting.decrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Takes {@code share} only if it is free now and nobody waits ahead, without waiting: for code
   * that must not block, such as a container's I/O callback.
   *
   * @return whether it was taken; if so, the caller must {@link #release(int)} it
   */
  public boolean tryAdmit(int share) {
    try {
      return permits.tryAcquire(Math.min(share, capacity), 0, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Gives back a share {@link #admit(int)} took. */
  public void release(int share) {
    permits.release(Math.min(share, capacity));
  }

  /** How many requests wait for their share now. */
  public int waiting() {
    return waiting.get();
  }

  /** How much is taken now. */
  public int inUse() {
    return capacity - permits.availablePermits();
  }
}
