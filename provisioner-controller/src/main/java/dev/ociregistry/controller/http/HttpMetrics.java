package dev.ociregistry.controller.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

  /** The labels of one series; few, as every label is bounded. */
  private record Labels(String method, String route, int status) {}

  /** The meters of one series, found once rather than on every request. */
  private record Series(Counter requests, Timer durations, DistributionSummary responseSizes) {}

  private final Map<Labels, Series> bySeries = new ConcurrentHashMap<>();

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

  private Series series(Labels labels) {
    String[] tags = {
      "method",
      labels.method(),
      "route",
      labels.route(),
      "status",
      Integer.toString(labels.status())
    };
    return new Series(
        requests.withTags(tags), durations.withTags(tags), responseSizes.withTags(tags));
  }

  @Override
  public void accept(FinishedRequests.Finished request) {
    Series series =
        bySeries.computeIfAbsent(
            new Labels(request.method(), request.route(), request.status()), this::series);
    series.requests().increment();
    series.durations().record(request.durationNanos(), TimeUnit.NANOSECONDS);
    series.responseSizes().record(request.bytesSent());
    if (PUSH_ROUTES.contains(request.route())) {
      pushed.increment(request.bytesReceived());
    }
    if (PULL_ROUTES.contains(request.route()) && request.method().equals("GET")) {
      pulled.increment(request.bytesSent());
    }
  }
}
