package dev.ociregistry.core;

import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.retention.RetentionPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Maintenance} runs and how often. Immutable; start from {@link #defaults()} and change
 * what differs with the {@code with} methods, so that options added later change no caller.
 */
public final class MaintenanceOptions {
  /** The grace period of the defaults: a day, so a tag moved a minute ago keeps its content. */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofHours(24);

  private final Duration collectionInterval;
  private final Duration firstCollectionAfter;
  private final GcOptions collection;
  private final Optional<RetentionPolicy> retention;
  private final Duration uploadExpiryInterval;

  private MaintenanceOptions(
      Duration collectionInterval,
      Duration firstCollectionAfter,
      GcOptions collection,
      Optional<RetentionPolicy> retention,
      Duration uploadExpiryInterval) {
    this.collectionInterval = requirePositive(collectionInterval, "collectionInterval");
    this.firstCollectionAfter =
        Objects.requireNonNull(firstCollectionAfter, "firstCollectionAfter");
    if (firstCollectionAfter.isNegative()) {
      throw new IllegalArgumentException("firstCollectionAfter must be zero or more");
    }
    this.collection = Objects.requireNonNull(collection, "collection");
    if (collection.dryRun()) {
      throw new IllegalArgumentException("a scheduled collection deletes: it is never a dry run");
    }
    this.retention = Objects.requireNonNull(retention, "retention");
    this.uploadExpiryInterval = requirePositive(uploadExpiryInterval, "uploadExpiryInterval");
  }

  /**
   * Garbage collection every hour, the first one hour after the start, with a 24-hour grace period,
   * untagged manifests collected once untagged for that long, no retention rules, and idle uploads
   * cancelled every five minutes: the controller's defaults.
   *
   * @return the defaults
   */
  public static MaintenanceOptions defaults() {
    return new MaintenanceOptions(
        Duration.ofHours(1),
        Duration.ofHours(1),
        new GcOptions(DEFAULT_GRACE_PERIOD, true, false),
        Optional.empty(),
        Duration.ofMinutes(5));
  }

  /** {@return the time between two runs of retention and garbage collection} */
  public Duration collectionInterval() {
    return collectionInterval;
  }

  /** {@return the time from the start to the first run of retention and garbage collection} */
  public Duration firstCollectionAfter() {
    return firstCollectionAfter;
  }

  /** {@return how each collection runs: its grace period and whether untagged manifests go} */
  public GcOptions collection() {
    return collection;
  }

  /** {@return the retention rules applied before each collection, if any} */
  public Optional<RetentionPolicy> retention() {
    return retention;
  }

  /**
   * {@return the time between two passes that cancel uploads idle for longer than the upload
   * timeout}
   */
  public Duration uploadExpiryInterval() {
    return uploadExpiryInterval;
  }

  /**
   * Collections every {@code interval}; the first still comes after {@link
   * #firstCollectionAfter()}, which {@link #defaults()} sets to one hour.
   *
   * @param interval positive
   * @return these options with that interval
   */
  public MaintenanceOptions withCollectionInterval(Duration interval) {
    return new MaintenanceOptions(
        interval, firstCollectionAfter, collection, retention, uploadExpiryInterval);
  }

  /**
   * The first collection {@code delay} after the start: {@link Duration#ZERO} for a process that
   * restarts more often than the interval and would otherwise never collect.
   *
   * @param delay zero or more
   * @return these options with that delay
   */
  public MaintenanceOptions withFirstCollectionAfter(Duration delay) {
    return new MaintenanceOptions(
        collectionInterval, delay, collection, retention, uploadExpiryInterval);
  }

  /**
   * Collections with {@code gracePeriod}, keeping the choice about untagged manifests.
   *
   * @param gracePeriod zero or more: content younger than this is never deleted
   * @return these options with that grace period
   */
  public MaintenanceOptions withGracePeriod(Duration gracePeriod) {
    return new MaintenanceOptions(
        collectionInterval,
        firstCollectionAfter,
        new GcOptions(gracePeriod, collection.deleteUntagged(), false),
        retention,
        uploadExpiryInterval);
  }

  /**
   * Whether an untagged manifest stops being kept once the grace period has passed.
   *
   * @param deleteUntagged true to collect untagged manifests, false to keep every manifest
   * @return these options with that choice
   */
  public MaintenanceOptions withDeleteUntagged(boolean deleteUntagged) {
    return new MaintenanceOptions(
        collectionInterval,
        firstCollectionAfter,
        new GcOptions(collection.gracePeriod(), deleteUntagged, false),
        retention,
        uploadExpiryInterval);
  }

  /**
   * Retention rules applied before each collection.
   *
   * @param policy the rules
   * @return these options with those rules
   */
  public MaintenanceOptions withRetention(RetentionPolicy policy) {
    return new MaintenanceOptions(
        collectionInterval,
        firstCollectionAfter,
        collection,
        Optional.of(policy),
        uploadExpiryInterval);
  }

  /**
   * Idle uploads looked for every {@code interval}.
   *
   * @param interval positive
   * @return these options with that interval
   */
  public MaintenanceOptions withUploadExpiryInterval(Duration interval) {
    return new MaintenanceOptions(
        collectionInterval, firstCollectionAfter, collection, retention, interval);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MaintenanceOptions that
        && collectionInterval.equals(that.collectionInterval)
        && firstCollectionAfter.equals(that.firstCollectionAfter)
        && collection.equals(that.collection)
        && retention.equals(that.retention)
        && uploadExpiryInterval.equals(that.uploadExpiryInterval);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        collectionInterval, firstCollectionAfter, collection, retention, uploadExpiryInterval);
  }

  @Override
  public String toString() {
    return "MaintenanceOptions[collectionInterval="
        + collectionInterval
        + ", firstCollectionAfter="
        + firstCollectionAfter
        + ", collection="
        + collection
        + ", retention="
        + (retention.isPresent() ? "rules" : "none")
        + ", uploadExpiryInterval="
        + uploadExpiryInterval
        + "]";
  }

  private static Duration requirePositive(Duration duration, String name) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return duration;
  }
}
