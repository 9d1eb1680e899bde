package dev.ociregistry.controller.admin;

import dev.ociregistry.controller.audit.AuditLog;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.integrity.ScrubReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the integrity scrub in the background, for the schedule and for {@code POST /admin/scrub}
 * alike, one at a time, at {@code REGISTRY_SCRUB_RATE}: a scrub of a large store takes hours, so
 * nobody waits on it. Each run is logged, audited and counted; stopping the controller stops a run
 * under way at its next blob.
 */
public final class ScrubService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("scrub");

  /** What the last run gave, and whether one runs now. */
  public record Status(
      boolean running,
      Optional<ScrubReport> last,
      Optional<Instant> lastFinished,
      Optional<String> lastFailure) {}

  private final OciRegistry registry;
  private final long bytesPerSecond;
  private final AuditLog audit;
  private final ExecutorService runner;
  private final AtomicBoolean running = new AtomicBoolean();
  private final Counter runs;
  private final Counter bytesChecked;
  private final Counter quarantined;
  private volatile Status lastRun =
      new Status(false, Optional.empty(), Optional.empty(), Optional.empty());

  public ScrubService(
      OciRegistry registry, long bytesPerSecond, MeterRegistry meters, AuditLog audit) {
    this.registry = registry;
    this.bytesPerSecond = bytesPerSecond;
    this.audit = audit;
    this.runner =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "scrub");
              thread.setDaemon(true);
              return thread;
            });
    this.runs =
        Counter.builder("registry.scrub.runs").description("Scrubs finished").register(meters);
    this.bytesChecked =
        Counter.builder("registry.scrub.checked")
            .description("Bytes the scrub re-hashed")
            .baseUnit("bytes")
            .register(meters);
    this.quarantined =
        Counter.builder("registry.scrub.quarantined")
            .description("Blobs the scrub found damaged and moved to quarantine")
            .register(meters);
  }

  /** Starts a scrub; false when one is under way already. */
  public boolean start() {
    if (!running.compareAndSet(false, true)) {
      return false;
    }
    runner.execute(this::run);
    return true;
  }

  public Status status() {
    Status last = lastRun;
    return new Status(running.get(), last.last(), last.lastFinished(), last.lastFailure());
  }

  private void run() {
    Optional<ScrubReport> report = Optional.empty();
    Optional<String> failure = Optional.empty();
    try {
      report = registry.scrubber().scrub(bytesPerSecond);
      report.ifPresent(this::record);
    } catch (IOException | RuntimeException e) {
      failure = Optional.of(e.toString());
      LOG.warn("registry scrub stopped: {}", e.toString());
    } finally {
      lastRun =
          new Status(
              false,
              report.isPresent() ? report : lastRun.last(),
              Optional.of(Instant.now()),
              failure);
      running.set(false);
    }
  }

  private void record(ScrubReport report) {
    runs.increment();
    bytesChecked.increment(report.bytesChecked());
    quarantined.increment(report.quarantined().size());
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("blobs_checked", report.blobsChecked());
    fields.put("bytes_checked", report.bytesChecked());
    fields.put("quarantined", report.quarantined());
    fields.put("duration_ms", report.duration().toMillis());
    audit.record("scrub", fields);
    LOG.info(
        "registry scrub: {} blobs ({} bytes) re-hashed in {} s, {} quarantined{}",
        report.blobsChecked(),
        report.bytesChecked(),
        report.duration().toSeconds(),
        report.quarantined().size(),
        report.quarantined().isEmpty() ? "" : ": " + String.join(", ", report.quarantined()));
  }

  /** Stops a run under way and waits for it to end. */
  @Override
  public void close() {
    runner.shutdownNow();
    try {
      runner.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
