package dev.ociregistry.core.gc;

import java.time.Duration;

/**
 * How a garbage collection run behaves.
 *
 * @param gracePeriod nothing written, mounted, checked or referenced more recently is deleted
 * @param deleteUntagged whether untagged manifests older than the grace period stop being roots
 * @param dryRun report what would be deleted and delete nothing
 */
public record GcOptions(Duration gracePeriod, boolean deleteUntagged, boolean dryRun) {
  /**
   * Checks the grace period.
   *
   * @param gracePeriod nothing written, mounted, checked or referenced more recently is deleted;
   *     zero or more
   * @param deleteUntagged whether untagged manifests older than the grace period stop being roots
   * @param dryRun report what would be deleted and delete nothing
   * @throws IllegalArgumentException when {@code gracePeriod} is null or negative
   */
  public GcOptions {
    if (gracePeriod == null || gracePeriod.isNegative()) {
      throw new IllegalArgumentException("gracePeriod must be zero or more");
    }
  }

  /**
   * A run that deletes, and keeps every manifest (untagged ones too), with the given grace period.
   *
   * @param gracePeriod nothing written, mounted, checked or referenced more recently is deleted;
   *     zero or more
   * @return the options
   * @throws IllegalArgumentException when {@code gracePeriod} is null or negative
   */
  public static GcOptions withGracePeriod(Duration gracePeriod) {
    return new GcOptions(gracePeriod, false, false);
  }
}
