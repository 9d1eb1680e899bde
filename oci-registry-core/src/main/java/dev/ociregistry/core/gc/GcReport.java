package dev.ociregistry.core.gc;

import java.time.Duration;
import java.util.List;

/**
 * What a garbage collection run did, or in a dry run would have done.
 *
 * @param bytesFreed the size of the blobs deleted
 * @param refusals the untagged manifests kept because deleting them was refused, each with its
 *     reason (a pin needs it, say); their content was kept too
 */
public record GcReport(
    long blobsDeleted,
    long manifestsDeleted,
    long bytesFreed,
    Duration duration,
    boolean dryRun,
    List<String> refusals) {
  public GcReport {
    refusals = List.copyOf(refusals);
  }
}
