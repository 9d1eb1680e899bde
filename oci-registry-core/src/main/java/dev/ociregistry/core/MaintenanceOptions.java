package dev.ociregistry.core;

import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.retention.RetentionPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@link Maintenance} runs and how often.
 *
 * @param collectionInterval time between two runs of retention and garbage collection; the first
 *     run comes one interval after the start
 * @param collection how each collection runs (grace period, untagged manifests); never a dry run
 * @param retention the retention rules applied before each collection, if any
 * @param uploadExpiryInterval time between two passes that cancel uploads idle for longer than the
 *     registry's upload timeout
 */
public record MaintenanceOptions(
    Duration collectionInterval,
    GcOptions collection,
    Optional<RetentionPolicy> retention,
    Duration uploadExpiryInterval) {
  /** The grace period of the defaults: a day, so a tag moved a minute ago keeps its content. */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofHours(24);

  public MaintenanceOptions {
    requirePositive(collectionInterval, "collectionInterval");
    requirePositive(uploadExpiryInterval, "uploadExpiryInterval");
    if (collection == null || collection.dryRun()) {
      throw new IllegalArgumentException("collection must be given and delete (not a dry run)");
    }
    if (retention == null) {
      throw new IllegalArgumentException("retention must be given (Optional.empty() for none)");
    }
  }

  /**
   * Garbage collection every hour with a 24-hour grace period, untagged manifests collected once
   * untagged for that long, no retention rules, stale uploads cancelled every five minutes: the
   * controller's defaults.
   */
  public static MaintenanceOptions defaults() {
    return new MaintenanceOptions(
        Duration.ofHours(1),
        new GcOptions(DEFAULT_GRACE_PERIOD, true, false),
        Optional.empty(),
        Duration.ofMinutes(5));
  }

  public MaintenanceOptions withCollectionInterval(Duration interval) {
    return new MaintenanceOptions(interval, collection, retention, uploadExpiryInterval);
  }

  /** Collections with {@code gracePeriod}, keeping the choice about untagged manifests. */
  public MaintenanceOptions withGracePeriod(Duration gracePeriod) {
    return new MaintenanceOptions(
        collectionInterval,
        new GcOptions(gracePeriod, collection.deleteUntagged(), false),
        retention,
        uploadExpiryInterval);
  }

  /** Whether an untagged manifest stops being kept once the grace period has passed. */
  public MaintenanceOptions withDeleteUntagged(boolean deleteUntagged) {
    return new MaintenanceOptions(
        collectionInterval,
        new GcOptions(collection.gracePeriod(), deleteUntagged, false),
        retention,
        uploadExpiryInterval);
  }

  public MaintenanceOptions withRetention(RetentionPolicy policy) {
    return new MaintenanceOptions(
        collectionInterval, collection, Optional.of(policy), uploadExpiryInterval);
  }

  public MaintenanceOptions withUploadExpiryInterval(Duration interval) {
    return new MaintenanceOptions(collectionInterval, collection, retention, interval);
  }

  private static void requirePositive(Duration duration, String name) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
