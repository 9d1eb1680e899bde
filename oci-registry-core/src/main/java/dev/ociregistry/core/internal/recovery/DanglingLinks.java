package dev.ociregistry.core.internal.recovery;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.internal.StripedLocks;
import dev.ociregistry.core.layout.Catalog;
import dev.ociregistry.core.layout.StorageStatistics;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Removes repository links to blobs that are no longer stored. A crash between the collector's
 * sweep and its link clean-up leaves such links; left alone, a later push of the same content
 * elsewhere would make it visible again in a repository that no longer had it. The collector marks
 * the root ({@link LayoutKeys#SWEEP_MARKER}) before it deletes a blob and clears the mark once the
 * links are gone, so that opening the root pays for the pass over every link only after such a
 * crash. Links a quarantine leaves (its blob moved aside) go with the next collection.
 */
public final class DanglingLinks {
  private static final byte[] SWEEP_MARKER_CONTENT =
      "a collection is deleting blobs; the links to them go after it\n"
          .getBytes(StandardCharsets.UTF_8);

  private final StorageDriver storage;
  private final Catalog catalog;
  private final StripedLocks digestLocks;
  private final StorageStatistics statistics;

  public DanglingLinks(
      StorageDriver storage,
      Catalog catalog,
      StripedLocks digestLocks,
      StorageStatistics statistics) {
    this.storage = storage;
    this.catalog = catalog;
    this.digestLocks = digestLocks;
    this.statistics = statistics;
  }

  /** Marks the root: blobs are about to be deleted, their links after them. */
  public void sweepStarting() throws IOException {
    storage.writeAtomically(LayoutKeys.SWEEP_MARKER, SWEEP_MARKER_CONTENT);
  }

  /** Removes the links the sweep left dangling, then the mark; returns how many links went. */
  public long sweepFinished() throws IOException {
    long removed = remove();
    storage.delete(LayoutKeys.SWEEP_MARKER);
    return removed;
  }

  /**
   * At open: finishes the work of a sweep a crash interrupted, if the mark says there was one;
   * returns how many links went.
   */
  public long finishAnInterruptedSweep() throws IOException {
    return storage.stat(LayoutKeys.SWEEP_MARKER).isPresent() ? sweepFinished() : 0;
  }

  /**
   * Removes every blob link, in every repository, whose blob is gone; returns how many. Each one is
   * re-checked under its digest's lock, so a blob published meanwhile keeps its link.
   */
  long remove() throws IOException {
    long removed = 0;
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      Set<String> stored;
      try (Stream<String> names = storage.list(LayoutKeys.blobDirectory(algorithm.id()))) {
        stored = new HashSet<>(names.toList());
      }
      for (RepositoryName repository : catalog.list()) {
        List<String> links;
        try (Stream<String> names =
            storage.list(LayoutKeys.blobLinks(repository, algorithm.id()))) {
          links = names.filter(name -> !stored.contains(name)).toList();
        }
        for (String name : links) {
          String text = algorithm.id() + ":" + name;
          if (Digest.isValid(text) && removeIfDangling(repository, Digest.parse(text))) {
            removed++;
          }
        }
      }
    }
    return removed;
  }

  private boolean removeIfDangling(RepositoryName repository, Digest digest) throws IOException {
    ReentrantLock lock = digestLocks.lockFor(digest);
    lock.lock();
    try {
      if (storage.stat(LayoutKeys.blob(digest)).isEmpty()
          && storage.delete(LayoutKeys.blobLink(repository, digest))) {
        statistics.unlinked(repository, digest, false);
        return true;
      }
      return false;
    } finally {
      lock.unlock();
    }
  }
}
