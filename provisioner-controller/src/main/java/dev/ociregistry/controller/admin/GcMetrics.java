package dev.ociregistry.controller.admin;

import dev.ociregistry.core.gc.GcListener;
import dev.ociregistry.core.gc.GcReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The garbage collector's meters, fed by the runs the core reports (once per run, however many
 * callers joined it): what runs deleted and freed, how long they took, how many ended in each
 * outcome, and when one last succeeded. Dry runs count as runs and delete nothing.
 */
public final class GcMetrics implements GcListener {
  private final Counter blobsDeleted;
  private final Counter manifestsDeleted;
  private final Counter bytesFreed;
  private final Timer duration;
  private final Meter.MeterProvider<Counter> runs;
  private final AtomicLong lastSuccessMillis = new AtomicLong();

  public GcMetrics(MeterRegistry meters) {
    this.blobsDeleted =
        Counter.builder("registry.gc.blobs.deleted")
            .description("Blobs deleted by garbage collection")
            .register(meters);
    this.manifestsDeleted =
        Counter.builder("registry.gc.manifests.deleted")
            .description("Untagged manifests deleted by garbage collection")
            .register(meters);
    this.bytesFreed =
        Counter.builder("registry.gc.freed")
            .description("Bytes freed by garbage collection")
            .baseUnit("bytes")
            .register(meters);
    this.duration =
        Timer.builder("registry.gc.duration")
            .description("Garbage collection run duration, dry runs and failed runs included")
            .register(meters);
    this.runs =
        Counter.builder("registry.gc.runs")
            .description("Garbage collection runs by outcome: success, dry_run, failure")
            .withRegistry(meters);
    for (String outcome : new String[] {"success", "dry_run", "failure"}) {
      runs.withTags("outcome", outcome);
    }
    Gauge.builder(
            "registry.gc.last.success.timestamp",
            lastSuccessMillis,
            millis -> millis.get() / 1000.0)
        .description("When a garbage collection run last succeeded (0: not since start)")
        .baseUnit("seconds")
        .register(meters);
  }

  @Override
  public void completed(GcReport report) {
    duration.record(report.duration());
    if (report.dryRun()) {
      runs.withTags("outcome", "dry_run").increment();
      return;
    }
    runs.withTags("outcome", "success").increment();
    blobsDeleted.increment(report.blobsDeleted());
    manifestsDeleted.increment(report.manifestsDeleted());
    bytesFreed.increment(report.bytesFreed());
    lastSuccessMillis.set(System.currentTimeMillis());
  }

  @Override
  public void failed(Exception failure, Duration elapsed) {
    duration.record(elapsed);
    runs.withTags("outcome", "failure").increment();
  }
}
