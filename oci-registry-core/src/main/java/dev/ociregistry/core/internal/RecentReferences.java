package dev.ociregistry.core.internal;

import dev.ociregistry.core.digest.Digest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Digests that pushes, pins, uploads, mounts and HEADs committed while a garbage collection run was
 * under way. Each is noted under its digest's lock after what it wrote is in place; the collector
 * consults it under the same lock just before each delete, so content that became needed after the
 * mark listed what it needed is kept.
 */
public final class RecentReferences {
  private final Set<Digest> digests = ConcurrentHashMap.newKeySet();
  private final AtomicInteger activeRuns = new AtomicInteger();

  /** A run starts recording. */
  public void beginRun() {
    activeRuns.incrementAndGet();
  }

  /** A run stops; the record is dropped when no run is left. */
  public void endRun() {
    if (activeRuns.decrementAndGet() == 0) {
      digests.clear();
    }
  }

  /** Something just committed needs {@code digest}; the caller holds the digest's lock. */
  public void note(Digest digest) {
    if (activeRuns.get() > 0) {
      digests.add(digest);
    }
  }

  public boolean contains(Digest digest) {
    return digests.contains(digest);
  }
}
