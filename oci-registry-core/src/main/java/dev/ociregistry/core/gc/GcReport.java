package dev.ociregistry.core.gc;

import dev.ociregistry.core.content.LeftoverRepair;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a garbage collection run did, or in a dry run would have done.
 *
 * @param blobsDeleted how many blobs were deleted (would be, in a dry run), manifests' content
 *     included
 * @param manifestsDeleted how many untagged manifests were deleted from their repositories (would
 *     be, in a dry run)
 * @param bytesFreed the size of the blobs deleted, in bytes
 * @param duration how long the run took
 * @param dryRun whether this was a dry run, which deleted nothing
 * @param refusals the untagged manifests kept because deleting them was refused, each with its
 *     reason (a pin needs it, say); their content was kept too
 * @param manifestsKept with untagged manifests collected, how many manifests each reason kept:
 *     {@code tagged}, {@code pinned}, {@code young} (pushed, untagged or referenced within the
 *     grace period), {@code referrer} (of a kept subject), {@code index child} (of a kept index),
 *     {@code refused}; all zero when untagged manifests are kept anyway
 * @param wouldDelete in a dry run, the manifests ({@code repository@digest}) and blobs ({@code
 *     digest}) a real run would delete now, the first {@value #MAX_LISTED}; empty otherwise
 * @param leftovers what the content store's repair removed: content and upload pieces a crash left
 *     that no record names ({@link dev.ociregistry.core.content.BlobContent#removeLeftovers});
 *     nothing in a dry run
 */
public record GcReport(
    long blobsDeleted,
    long manifestsDeleted,
    long bytesFreed,
    Duration duration,
    boolean dryRun,
    List<String> refusals,
    Map<String, Long> manifestsKept,
    List<String> wouldDelete,
    LeftoverRepair leftovers) {
  /** The most entries {@link #wouldDelete} lists. */
  public static final int MAX_LISTED = 10_000;

  /**
   * Copies the collections, cutting {@code wouldDelete} to its first {@value #MAX_LISTED}.
   *
   * @param blobsDeleted how many blobs were deleted
   * @param manifestsDeleted how many untagged manifests were deleted
   * @param bytesFreed the size of the blobs deleted, in bytes
   * @param duration how long the run took
   * @param dryRun whether this was a dry run
   * @param refusals the untagged manifests kept because deleting them was refused, with reasons
   * @param manifestsKept how many manifests each reason kept, in the order given
   * @param wouldDelete in a dry run, what a real run would delete
   * @param leftovers what the content store's repair removed
   */
  public GcReport {
    refusals = List.copyOf(refusals);
    manifestsKept = Collections.unmodifiableMap(new LinkedHashMap<>(manifestsKept));
    wouldDelete = List.copyOf(wouldDelete.subList(0, Math.min(wouldDelete.size(), MAX_LISTED)));
  }
}
