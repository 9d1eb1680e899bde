package dev.ociregistry.core.internal.recovery;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.layout.StorageStatistics;
import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.model.RepositoryName;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removes repository links to blobs that are no longer stored. A crash between the collector's
 * sweep and its link clean-up leaves such links; left alone, a later push of the same content
 * elsewhere would make it visible again in a repository that no longer had it. The collector marks
 * the metadata ({@link RegistryMetadata#markSweep}) before it deletes a blob and clears the mark
 * once the links are gone, so that opening the root pays for the pass over every link only after
 * such a crash. Links a quarantine leaves (its blob moved aside) go with the next collection.
 */
public final class DanglingLinks {
  private final RegistryMetadata metadata;
  private final Coordination coordination;
  private final StorageStatistics statistics;

  public DanglingLinks(
      RegistryMetadata metadata, Coordination coordination, StorageStatistics statistics) {
    this.metadata = metadata;
    this.coordination = coordination;
    this.statistics = statistics;
  }

  /** Marks the root: blobs are about to be deleted, their links after them. */
  public void sweepStarting() throws IOException {
    metadata.markSweep(true);
  }

  /** Removes the links the sweep left dangling, then the mark; returns how many links went. */
  public long sweepFinished() throws IOException {
    long removed = remove();
    metadata.markSweep(false);
    return removed;
  }

  /**
   * At open: finishes the work of a sweep a crash interrupted, if the mark says there was one;
   * returns how many links went.
   */
  public long finishAnInterruptedSweep() throws IOException {
    return metadata.sweepMarked() ? sweepFinished() : 0;
  }

  /**
   * Removes every blob link, in every repository, whose blob is gone; returns how many. Each one is
   * re-checked under its digest's lock, so a blob published meanwhile keeps its link.
   */
  long remove() throws IOException {
    long removed = 0;
    Set<Digest> stored;
    try (Stream<Digest> blobs = metadata.blobs()) {
      stored = new HashSet<>(blobs.toList());
    }
    for (RepositoryName repository : metadata.repositories()) {
      for (Digest digest : metadata.blobLinks(repository)) {
        if (!stored.contains(digest) && removeIfDangling(repository, digest)) {
          removed++;
        }
      }
    }
    return removed;
  }

  private boolean removeIfDangling(RepositoryName repository, Digest digest) throws IOException {
    try (Coordination.Held lock = coordination.lock(digest)) {
      if (metadata.blob(digest).isEmpty() && metadata.unlinkBlob(repository, digest)) {
        statistics.unlinked(repository, digest, false);
        return true;
      }
      return false;
    }
  }
}
