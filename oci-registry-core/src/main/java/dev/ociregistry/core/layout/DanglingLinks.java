package dev.ociregistry.core.layout;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Removes repository links to blobs that are no longer stored. A crash between the collector's
 * sweep and its link clean-up leaves such links; left alone, a later push of the same content
 * elsewhere would make it visible again in a repository that no longer had it.
 */
public final class DanglingLinks {
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

  /**
   * Removes every blob link, in every repository, whose blob is gone; returns how many. Each one is
   * re-checked under its digest's lock, so a blob published meanwhile keeps its link.
   */
  public long remove() throws IOException {
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
