package dev.ociregistry.core.gc;

import java.time.Duration;

/**
 * Told how garbage collection runs go and when each ends, once per run however many callers joined
 * it: the seam the host's metrics and logs hang on. Methods run on the collecting thread and must
 * be quick.
 */
public interface GcListener {
  /**
   * A run (a dry run too: see {@link GcReport#dryRun()}) finished.
   *
   * @param report what it did; the same report every caller that joined the run gets
   */
  default void completed(GcReport report) {}

  /**
   * A run has been going for a while: told every {@link GarbageCollector#PROGRESS_INTERVAL} while
   * it lasts, with how far it got.
   *
   * @param phase {@code mark} (repositories walked) or {@code sweep} (blobs examined)
   * @param done how many of the phase's items are done
   * @param total how many the phase has
   * @param elapsed the time since the run started
   */
  default void progress(String phase, long done, long total, Duration elapsed) {}

  /**
   * A run stopped on {@code failure} after {@code elapsed}; what it deleted so far stays deleted.
   *
   * @param failure what stopped it: an {@link java.io.IOException} from storage, or a runtime
   *     exception; the caller of {@link GarbageCollector#collect} gets it too
   * @param elapsed the time since the run started
   */
  default void failed(Exception failure, Duration elapsed) {}
}
