package dev.ociregistry.core.layout;

import dev.ociregistry.core.digest.Digest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Digests that pushed manifests referenced while a garbage collection run was under way. The sweep
 * consults it just before each delete, so a blob that became reachable after the mark is kept.
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

  /** A pushed manifest references {@code digest}. */
  public void note(Digest digest) {
    if (activeRuns.get() > 0) {
      digests.add(digest);
    }
  }

  public boolean contains(Digest digest) {
    return digests.contains(digest);
  }
}
