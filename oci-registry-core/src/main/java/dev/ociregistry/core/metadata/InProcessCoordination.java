package dev.ociregistry.core.metadata;

import dev.ociregistry.core.digest.Digest;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link Coordination} for one process: a fixed set of lock stripes (two digests may share a
 * stripe, which only serializes them) and the noted digests in memory. Right for a registry whose
 * metadata no other process writes, as on the filesystem.
 */
public final class InProcessCoordination implements Coordination {
  private static final int DEFAULT_STRIPES = 4096;

  private final ReentrantLock[] stripes;
  private final ReentrantLock[] uploadStripes;
  private final ReentrantLock collectorLease = new ReentrantLock();
  private final Set<Digest> noted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger collections = new AtomicInteger();

  /** Coordination with 4096 lock stripes. */
  public InProcessCoordination() {
    this(DEFAULT_STRIPES);
  }

  /**
   * Coordination with {@code stripes} lock stripes.
   *
   * @param stripes how many locks the digests are spread over, at least 1
   */
  public InProcessCoordination(int stripes) {
    if (stripes < 1) {
      throw new IllegalArgumentException("at least one lock stripe is needed: " + stripes);
    }
    this.stripes = new ReentrantLock[stripes];
    this.uploadStripes = new ReentrantLock[stripes];
    for (int i = 0; i < stripes; i++) {
      this.stripes[i] = new ReentrantLock();
      this.uploadStripes[i] = new ReentrantLock();
    }
  }

  @Override
  public Held lock(Collection<Digest> digests) {
    TreeSet<Integer> ordered = new TreeSet<>();
    for (Digest digest : digests) {
      ordered.add(stripeOf(digest));
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

  @Override
  public Held lock(Digest digest) {
    return lock(List.of(digest));
  }

  @Override
  public Optional<Held> tryLockUpload(String id, Duration wait) {
    return tryLock(uploadStripes[Math.floorMod(id.hashCode() * 0x9E3779B9, stripes.length)], wait);
  }

  @Override
  public Optional<Held> tryCollectorLease(Duration wait) {
    return tryLock(collectorLease, wait);
  }

  private static Optional<Held> tryLock(ReentrantLock lock, Duration wait) {
    try {
      if (!lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        return Optional.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    return Optional.of(lock::unlock);
  }

  @Override
  public void beginCollection() {
    collections.incrementAndGet();
  }

  @Override
  public void endCollection() {
    if (collections.decrementAndGet() == 0) {
      noted.clear();
    }
  }

  @Override
  public void note(Digest digest) {
    if (collections.get() > 0) {
      noted.add(digest);
    }
  }

  @Override
  public boolean noted(Digest digest) {
    return noted.contains(digest);
  }

  private void unlock(int[] taken, int count) {
    for (int i = count - 1; i >= 0; i--) {
      stripes[taken[i]].unlock();
    }
  }

  private int stripeOf(Digest digest) {
    return Math.floorMod(digest.hashCode() * 0x9E3779B9, stripes.length);
  }
}
