package dev.ociregistry.core;

import dev.ociregistry.core.gc.GarbageCollector;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.core.retention.Retention;
import dev.ociregistry.core.retention.RetentionPolicy;
import dev.ociregistry.core.retention.RetentionReport;
import dev.ociregistry.core.upload.UploadManager;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The housekeeping a registry needs while it runs, on a thread of its own: retention then garbage
 * collection every {@link MaintenanceOptions#collectionInterval()}, and cancelling uploads idle
 * past the upload timeout every {@link MaintenanceOptions#uploadExpiryInterval()}. Started by
 * {@link OciRegistry#startMaintenance}, stopped by {@link #close()} or when the registry closes.
 *
 * <p>A run that fails is logged and the next one runs as planned. Each run is logged at {@code
 * INFO} through {@link System.Logger}; {@link dev.ociregistry.core.gc.GarbageCollector#addListener}
 * gives the collection reports to a host that wants them as events.
 */
public final class Maintenance implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Maintenance.class.getName());

  private final Retention retention;
  private final GarbageCollector collector;
  private final UploadManager uploads;
  private final MaintenanceOptions options;
  private final ScheduledExecutorService scheduler;

  Maintenance(
      Retention retention,
      GarbageCollector collector,
      UploadManager uploads,
      MaintenanceOptions options) {
    this.retention = retention;
    this.collector = collector;
    this.uploads = uploads;
    this.options = options;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "registry-maintenance");
              thread.setDaemon(true);
              return thread;
            });
    schedule(this::collect, options.firstCollectionAfter(), options.collectionInterval());
    schedule(this::expireUploads, options.uploadExpiryInterval(), options.uploadExpiryInterval());
  }

  /** {@return what runs and how often} */
  public MaintenanceOptions options() {
    return options;
  }

  /** {@return whether it still runs: false once closed} */
  public boolean isRunning() {
    return !scheduler.isShutdown();
  }

  private void schedule(MaintenanceRun run, Duration first, Duration interval) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            run.run();
          } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "registry maintenance failed; it runs again as planned", e);
          }
        },
        first.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void collect() throws IOException {
    if (options.retention().isPresent()) {
      RetentionPolicy policy = options.retention().get();
      RetentionReport retained = retention.apply(policy, false);
      if (!retained.removed().isEmpty()) {
        LOG.log(
            Level.INFO,
            "retention removed {0} tags: {1}",
            retained.removed().size(),
            retained.removed());
      }
    }
    GcReport report = collector.collect(options.collection());
    LOG.log(
        Level.INFO,
        "garbage collection deleted {0} blobs and {1} manifests, freed {2} bytes in {3} ms",
        report.blobsDeleted(),
        report.manifestsDeleted(),
        report.bytesFreed(),
        report.duration().toMillis());
  }

  private void expireUploads() throws IOException {
    int expired = uploads.expireStale();
    if (expired > 0) {
      LOG.log(Level.INFO, "expired {0} idle uploads", expired);
    }
  }

  /**
   * Stops scheduling runs and waits for one in progress to end: a collection is never cut off
   * halfway, and the registry's storage must not be released under it. A collection of a large
   * store can take minutes; a host with a stop deadline closes the registry early in its stop.
   * Maintenance can be started again on the same registry once this returns.
   */
  @Override
  public void close() {
    scheduler.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (scheduler.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
        LOG.log(Level.INFO, "waiting for a maintenance run to end before stopping");
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @FunctionalInterface
  private interface MaintenanceRun {
    void run() throws IOException;
  }
}
