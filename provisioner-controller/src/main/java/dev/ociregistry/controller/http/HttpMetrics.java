package dev.ociregistry.controller.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The HTTP meters of every route: {@code http_requests_total}, {@code
 * http_request_duration_seconds} (a histogram) and {@code http_response_size_bytes}, labelled by
 * {@code method}, {@code route} and {@code status}; and the registry's transfer totals, {@code
 * registry_pushed_bytes_total} (bodies received by uploads and manifest pushes) and {@code
 * registry_pulled_bytes_total} (bodies sent for blob and manifest pulls), which count the bytes of
 * transfers cut short too.
 */
public final class HttpMetrics implements Consumer<FinishedRequests.Finished> {
  private static final Set<String> PUSH_ROUTES = Set.of("uploads", "manifests");
  private static final Set<String> PULL_ROUTES = Set.of("blobs", "manifests");

  private final Meter.MeterProvider<Counter> requests;
  private final Meter.MeterProvider<Timer> durations;
  private final Meter.MeterProvider<DistributionSummary> responseSizes;
  private final Counter pushed;
  private final Counter pulled;

  public HttpMetrics(MeterRegistry meters) {
    this.requests =
        Counter.builder("http.requests")
            .description("HTTP requests by method, route and status")
            .withRegistry(meters);
    this.durations =
        Timer.builder("http.request.duration")
            .description("Time from a request's arrival to the end of its answer")
            .serviceLevelObjectives(
                Duration.ofMillis(5),
                Duration.ofMillis(25),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofMinutes(5))
            .withRegistry(meters);
    this.responseSizes =
        DistributionSummary.builder("http.response.size")
            .description("Response body sizes")
            .baseUnit("bytes")
            .serviceLevelObjectives(1024, 65536, 1 << 20, 64 << 20, 1 << 30)
            .withRegistry(meters);
    this.pushed =
        Counter.builder("registry.pushed")
            .description("Body bytes received by uploads and manifest pushes")
            .baseUnit("bytes")
            .register(meters);
    this.pulled =
        Counter.builder("registry.pulled")
            .description("Body bytes sent for blob and manifest pulls")
            .baseUnit("bytes")
            .register(meters);
  }

  @Override
  public void accept(FinishedRequests.Finished request) {
    String status = Integer.toString(request.status());
    String[] labels = {"method", request.method(), "route", request.route(), "status", status};
    requests.withTags(labels).increment();
    durations.withTags(labels).record(request.durationNanos(), TimeUnit.NANOSECONDS);
    responseSizes.withTags(labels).record(request.bytesSent());
    if (PUSH_ROUTES.contains(request.route())) {
      pushed.increment(request.bytesReceived());
    }
    if (PULL_ROUTES.contains(request.route()) && request.method().equals("GET")) {
      pulled.increment(request.bytesSent());
    }
  }
}
