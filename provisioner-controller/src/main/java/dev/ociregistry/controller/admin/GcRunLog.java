package dev.ociregistry.controller.admin;

import dev.ociregistry.controller.audit.AuditLog;
import dev.ociregistry.core.gc.GcListener;
import dev.ociregistry.core.gc.GcReport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One info line per garbage collection run with its report (what it deleted and freed, what it kept
 * and why), the manifests kept by refusal one line each, a progress line every few seconds while a
 * long run goes on, a warning for a failed run, and an audit record for each run that is not a dry
 * run.
 */
final class GcRunLog implements GcListener {
  private static final Logger LOG = LoggerFactory.getLogger("gc");

  private final AuditLog audit;

  GcRunLog(AuditLog audit) {
    this.audit = audit;
  }

  @Override
  public void completed(GcReport report) {
    LOG.info(
        "registry gc{}: {} blobs and {} manifests {}, {} bytes {} in {} ms; manifests kept: {}",
        report.dryRun() ? " (dry run)" : "",
        report.blobsDeleted(),
        report.manifestsDeleted(),
        report.dryRun() ? "would be deleted" : "deleted",
        report.bytesFreed(),
        report.dryRun() ? "would be freed" : "freed",
        report.duration().toMillis(),
        report.manifestsKept());
    if (report.leftovers().removed() > 0) {
      LOG.info(
          "registry gc removed {} leftovers a crash left in the content store ({} bytes)",
          report.leftovers().removed(),
          report.leftovers().bytesFreed());
    }
    for (String refusal : report.refusals()) {
      LOG.info("registry gc kept {}", refusal);
    }
    if (!report.dryRun()) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("blobs_deleted", report.blobsDeleted());
      fields.put("manifests_deleted", report.manifestsDeleted());
      fields.put("bytes_freed", report.bytesFreed());
      fields.put("leftovers_removed", report.leftovers().removed());
      fields.put("duration_ms", report.duration().toMillis());
      audit.record("gc", fields);
    }
  }

  @Override
  public void progress(String phase, long done, long total, Duration elapsed) {
    LOG.info(
        "registry gc running for {} s: {} {} of {} {}",
        elapsed.toSeconds(),
        phase,
        done,
        total,
        phase.equals("mark") ? "repositories" : "blobs");
  }

  @Override
  public void failed(Exception failure, Duration elapsed) {
    LOG.warn("registry gc failed after {} ms: {}", elapsed.toMillis(), failure.toString());
  }
}
