package dev.ociregistry.core.gc;

import java.time.Duration;

/**
 * What a garbage collection run did, or in a dry run would have done.
 *
 * @param bytesFreed the size of the blobs deleted
 */
public record GcReport(
    long blobsDeleted, long manifestsDeleted, long bytesFreed, Duration duration, boolean dryRun) {}
