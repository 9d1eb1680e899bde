package dev.ociregistry.core.gc;

import java.time.Duration;

/**
 * Told how garbage collection runs go and when each ends, once per run however many callers joined
 * it: the seam the host's metrics and logs hang on. Methods run on the collecting thread and must
 * be quick.
 */
public interface GcListener {
  /** A run (a dry run too: see {@link GcReport#dryRun()}) finished. */
  default void completed(GcReport report) {}

  /**
   * A run has been going for a while: told every {@link GarbageCollector#PROGRESS_INTERVAL} while
   * it lasts, with how far it got.
   *
   * @param phase {@code mark} (repositories walked) or {@code sweep} (blobs examined)
   */
  default void progress(String phase, long done, long total, Duration elapsed) {}

  /**
   * A run stopped on {@code failure} after {@code elapsed}; what it deleted so far stays deleted.
   */
  default void failed(Exception failure, Duration elapsed) {}
}
