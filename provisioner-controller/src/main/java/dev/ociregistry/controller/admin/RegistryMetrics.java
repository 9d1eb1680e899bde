package dev.ociregistry.controller.admin;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.servlet.RegistryListener;
import dev.ociregistry.servlet.RequestEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Turns what the {@code /v2} servlet reports into Micrometer meters. */
public final class RegistryMetrics implements RegistryListener {
  /** Method tags are bounded: any other token a client sends is counted as {@code other}. */
  private static final java.util.Set<String> METHODS =
      java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final Meter.MeterProvider<Timer> requests;
  private final DistributionSummary pushedBlobBytes;
  private final Counter manifestsPushed;
  private final Counter manifestsDeleted;

  public RegistryMetrics(MeterRegistry meters) {
    this.requests =
        Timer.builder("registry_http_requests")
            .description("Requests to /v2 by method, route and status")
            .withRegistry(meters);
    this.pushedBlobBytes =
        DistributionSummary.builder("registry_blob_push_size")
            .description("Sizes of blobs stored by uploads and mounts")
            .baseUnit("bytes")
            .register(meters);
    this.manifestsPushed =
        Counter.builder("registry_manifest_pushes")
            .description("Manifests pushed")
            .register(meters);
    this.manifestsDeleted =
        Counter.builder("registry_manifest_deletes")
            .description("Manifests deleted")
            .register(meters);
  }

  @Override
  public void requestCompleted(RequestEvent event) {
    requests
        .withTags(
            "method",
            METHODS.contains(event.method()) ? event.method() : "other",
            "route",
            event.route() == null ? "none" : event.route().name().toLowerCase(Locale.ROOT),
            "status",
            Integer.toString(event.status()))
        .record(event.durationNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void blobPushed(RepositoryName repository, Digest digest, long size) {
    pushedBlobBytes.record(size);
  }

  @Override
  public void manifestPushed(RepositoryName repository, Digest digest) {
    manifestsPushed.increment();
  }

  @Override
  public void manifestDeleted(RepositoryName repository, Digest digest) {
    manifestsDeleted.increment();
  }
}
