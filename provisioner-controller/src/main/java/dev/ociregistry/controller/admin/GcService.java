package dev.ociregistry.controller.admin;

import dev.ociregistry.controller.audit.AuditLog;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.gc.GcReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs garbage collection with the controller's settings, for the schedule and for {@code POST
 * /admin/gc} alike, and records each run in the metrics. Two runs never overlap: a request while
 * one with the same options runs joins it (see {@link
 * dev.ociregistry.core.gc.GarbageCollector#collect}).
 */
public final class GcService {
  private static final Logger LOG = LoggerFactory.getLogger(GcService.class);

  private final OciRegistry registry;
  private final Duration gracePeriod;
  private final boolean deleteUntagged;
  private final Counter blobsDeleted;
  private final Counter manifestsDeleted;
  private final Counter bytesFreed;
  private final Timer duration;
  private GcReport lastCounted;
  private final AuditLog audit;

  public GcService(
      OciRegistry registry, Duration gracePeriod, boolean deleteUntagged, MeterRegistry meters) {
    this(registry, gracePeriod, deleteUntagged, meters, AuditLog.off());
  }

  /** As above, recording each run that deletes in {@code audit}. */
  public GcService(
      OciRegistry registry,
      Duration gracePeriod,
      boolean deleteUntagged,
      MeterRegistry meters,
      AuditLog audit) {
    this.audit = audit;
    this.registry = registry;
    this.gracePeriod = gracePeriod;
    this.deleteUntagged = deleteUntagged;
    this.blobsDeleted =
        Counter.builder("registry_gc_blobs_deleted")
            .description("Blobs deleted by garbage collection")
            .register(meters);
    this.manifestsDeleted =
        Counter.builder("registry_gc_manifests_deleted")
            .description("Untagged manifests deleted by garbage collection")
            .register(meters);
    this.bytesFreed =
        Counter.builder("registry_gc_bytes_freed")
            .description("Bytes freed by garbage collection")
            .baseUnit("bytes")
            .register(meters);
    this.duration =
        Timer.builder("registry_gc_duration")
            .description("Garbage collection run duration")
            .register(meters);
  }

  /**
   * Whether this caller is the first to see {@code report}: callers that joined a run under way get
   * the very same report object, and the run is counted once.
   */
  private synchronized boolean firstToSee(GcReport report) {
    if (report == lastCounted) {
      return false;
    }
    lastCounted = report;
    return true;
  }

  /** Runs (or joins) a collection; a dry run reports what would go and deletes nothing. */
  public GcReport run(boolean dryRun) throws IOException {
    GcReport report =
        registry.garbageCollector().collect(new GcOptions(gracePeriod, deleteUntagged, dryRun));
    if (!dryRun && firstToSee(report)) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("blobs_deleted", report.blobsDeleted());
      fields.put("manifests_deleted", report.manifestsDeleted());
      fields.put("bytes_freed", report.bytesFreed());
      fields.put("duration_ms", report.duration().toMillis());
      audit.record("gc", fields);
      blobsDeleted.increment(report.blobsDeleted());
      manifestsDeleted.increment(report.manifestsDeleted());
      bytesFreed.increment(report.bytesFreed());
      duration.record(report.duration());
    }
    LOG.info(
        "registry gc{}: {} blobs and {} manifests deleted, {} bytes freed in {} ms",
        dryRun ? " (dry run)" : "",
        report.blobsDeleted(),
        report.manifestsDeleted(),
        report.bytesFreed(),
        report.duration().toMillis());
    for (String refusal : report.refusals()) {
      LOG.info("registry gc kept {}", refusal);
    }
    return report;
  }
}
