package dev.ociregistry.controller.admin;

import dev.ociregistry.controller.audit.AuditLog;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.core.retention.RetentionPolicy;
import dev.ociregistry.core.retention.RetentionReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
  private final Optional<RetentionPolicy> retention;
  private final Counter tagsRemoved;

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
    this(registry, gracePeriod, deleteUntagged, meters, audit, Optional.empty());
  }

  /** As above, applying {@code retention} before each scheduled collection. */
  public GcService(
      OciRegistry registry,
      Duration gracePeriod,
      boolean deleteUntagged,
      MeterRegistry meters,
      AuditLog audit,
      Optional<RetentionPolicy> retention) {
    this.retention = retention;
    this.tagsRemoved =
        Counter.builder("registry_retention_tags_removed")
            .description("Tags removed by retention rules")
            .register(meters);
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

  /** The retention rules, when a file gives them. */
  public Optional<RetentionPolicy> retention() {
    return retention;
  }

  /** Applies the retention rules (a dry run lists and removes nothing), when there are any. */
  public Optional<RetentionReport> retain(boolean dryRun) throws IOException {
    if (retention.isEmpty()) {
      return Optional.empty();
    }
    RetentionReport report = registry.retention().apply(retention.get(), dryRun);
    if (!dryRun) {
      tagsRemoved.increment(report.removed().size());
      if (!report.removed().isEmpty()) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("tags_removed", report.removed());
        audit.record("retention", fields);
      }
    }
    LOG.info(
        "registry retention{}: {} tags removed in {} ms",
        dryRun ? " (dry run)" : "",
        report.removed().size(),
        report.duration().toMillis());
    return Optional.of(report);
  }

  /** What the schedule runs: retention, then a collection that frees what it untagged later. */
  public void runScheduled() throws IOException {
    retain(false);
    run(false);
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
