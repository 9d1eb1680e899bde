package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Commands;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One read of {@code /metrics}: every sample by its series ({@code name} or {@code name{labels}},
 * as exposed), and the text itself for {@code promtool}.
 */
record Scrape(String text, Map<String, Double> samples) {
  static Scrape of(TestHttp http) throws IOException {
    String text = http.get("/metrics").expect(200).text();
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new Scrape(text, samples);
  }

  /**
   * A scrape in which {@code series} has reached {@code expected}: request figures are counted when
   * Jetty logs the exchange, just after the client has its answer, so a scrape right after a
   * request may come a moment early.
   */
  static Scrape until(TestHttp http, String series, double expected) {
    return Await.value(
        series + " to reach " + expected,
        Duration.ofSeconds(10),
        () -> {
          try {
            Scrape scrape = Scrape.of(http);
            return scrape.valueOrZero(series) == expected ? Optional.of(scrape) : Optional.empty();
          } catch (IOException e) {
            return Optional.empty();
          }
        });
  }

  /** The sample of {@code series}; fails the test when it is not exposed. */
  double value(String series) {
    assertThat(samples).as("series exposed").containsKey(series);
    return samples.get(series);
  }

  /** The sample of {@code series}, or 0 when it is not exposed (yet). */
  double valueOrZero(String series) {
    return samples.getOrDefault(series, 0.0);
  }

  /** Fails the test unless {@code promtool check metrics} accepts the exposition as it is. */
  void passesPromtool(Path workDir) throws IOException, InterruptedException {
    Path file = Files.createTempFile(workDir, "metrics", ".txt");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Commands.Result check =
        Commands.run(
            List.of("sh", "-c", "promtool check metrics < " + file),
            workDir,
            env -> {},
            Duration.ofSeconds(30));
    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.stdout() + check.stderr()).as("promtool's complaints").isBlank();
  }
}
