package dev.ociregistry.controller.admin;

import dev.ociregistry.controller.audit.AuditLog;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.core.retention.RetentionPolicy;
import dev.ociregistry.core.retention.RetentionReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs garbage collection and retention with the controller's settings, for the schedule and for
 * {@code POST /admin/gc} and {@code /admin/retention} alike. Two collections never overlap: a
 * request while one with the same options runs joins it (see {@link
 * dev.ociregistry.core.gc.GarbageCollector#collect}). Each run is logged, audited and metered once,
 * by the listeners the core tells ({@link GcRunLog}, {@link GcMetrics}).
 */
public final class GcService {
  private static final Logger LOG = LoggerFactory.getLogger(GcService.class);

  private final OciRegistry registry;
  private final Duration gracePeriod;
  private final boolean deleteUntagged;
  private final AuditLog audit;
  private final Optional<RetentionPolicy> retention;
  private final Counter tagsRemoved;

  /**
   * Collects with {@code gracePeriod}, deleting untagged manifests when {@code deleteUntagged}, and
   * applies {@code retention} before each scheduled collection; runs that delete are recorded in
   * {@code audit}.
   */
  public GcService(
      OciRegistry registry,
      Duration gracePeriod,
      boolean deleteUntagged,
      MeterRegistry meters,
      AuditLog audit,
      Optional<RetentionPolicy> retention) {
    this.registry = registry;
    this.gracePeriod = gracePeriod;
    this.deleteUntagged = deleteUntagged;
    this.audit = audit;
    this.retention = retention;
    this.tagsRemoved =
        Counter.builder("registry.retention.tags.removed")
            .description("Tags removed by retention rules")
            .register(meters);
    registry.garbageCollector().addListener(new GcMetrics(meters));
    registry.garbageCollector().addListener(new GcRunLog(audit));
  }

  /** As above, with no audit log and no retention rules. */
  public GcService(
      OciRegistry registry, Duration gracePeriod, boolean deleteUntagged, MeterRegistry meters) {
    this(registry, gracePeriod, deleteUntagged, meters, AuditLog.off(), Optional.empty());
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
    return registry.garbageCollector().collect(new GcOptions(gracePeriod, deleteUntagged, dryRun));
  }
}
