package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} as operators read it, from the jar as users run it: every value moves as real
 * pushes, pulls, deletes, a 5xx and a collection say it should, storage counts come from the store
 * and so survive a restart, the exposition passes {@code promtool check metrics}, and {@code
 * METRICS_ADDR} moves it to a port of its own.
 */
class MetricsIT {
  private static final Pattern METRICS_PORT = Pattern.compile("metrics on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path workDir;

  private Map<String, String> env(String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("DATA_DIR", workDir.resolve("data").toString());
    env.put("REGISTRY_GC_GRACE_PERIOD", "0s");
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  private static long sizeOf(Manifest image) {
    return image.size() + image.blobs().stream().mapToLong(Blob::size).sum();
  }

  @Test
  void everyValueFollowsPushesPullsDeletesA5xxAndACollection() throws Exception {
    // Readiness asks for more free space than any disk has: /readyz answers 503.
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(workDir, env("READY_MIN_FREE_SPACE", "1000000TiB"))) {
      TestHttp http = new TestHttp(controller.base());
      Pusher push = new Pusher(http);
      Scrape empty = Scrape.of(http);
      for (String series :
          new String[] {
            "registry_blob_count",
            "blob_count",
            "manifest_count",
            "repository_count",
            "storage_bytes"
          }) {
        assertThat(empty.value(series)).as(series).isZero();
      }
      assertThat(empty.value("jetty_threads_config_max")).isEqualTo(200);
      assertThat(empty.value("registry_gc_runs_total{outcome=\"success\"}")).isZero();
      empty.passesPromtool(workDir);

      Manifest image = Artifacts.image("metrics");
      push.image("apps/one", "v1", image);
      Blob layer = image.blobs().get(1);
      http.get("/v2/apps/one/blobs/" + layer.digest()).expect(200);
      Scrape pushed = Scrape.of(http);
      assertThat(pushed.value("registry_blob_count")).isEqualTo(3);
      assertThat(pushed.value("blob_count")).isEqualTo(3);
      assertThat(pushed.value("registry_storage_bytes")).isEqualTo(sizeOf(image));
      assertThat(pushed.value("storage_bytes")).isEqualTo(sizeOf(image));
      assertThat(pushed.value("manifest_count")).isEqualTo(1);
      assertThat(pushed.value("repository_count")).isEqualTo(1);
      Scrape.until(http, "registry_pushed_bytes_total", sizeOf(image));
      Scrape.until(http, "registry_pulled_bytes_total", layer.size());
      assertThat(pushed.value("registry_manifest_pushes_total")).isEqualTo(1);
      Scrape.until(
          http, "http_requests_total{method=\"PUT\",route=\"manifests\",status=\"201\"}", 1);
      Scrape.until(
          http, "http_requests_total{method=\"POST\",route=\"uploads\",status=\"201\"}", 2);
      Scrape.until(
          http,
          "http_response_size_bytes_sum{method=\"GET\",route=\"blobs\",status=\"200\"}",
          layer.size());
      Scrape.until(
          http,
          "http_request_duration_seconds_count{method=\"GET\",route=\"blobs\",status=\"200\"}",
          1);
      Scrape.until(
          http,
          "http_request_duration_seconds_bucket{method=\"GET\",route=\"blobs\",status=\"200\",le=\"+Inf\"}",
          1);

      push.image("apps/two", "v1", image);
      http.get("/readyz").expect(503);
      RawHttp.Response malformed =
          RawHttp.send(
              controller.base(),
              "GET /v2/%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1),
              false);
      assertThat(malformed.status()).isEqualTo(400);
      Scrape twice = Scrape.of(http);
      assertThat(twice.value("registry_blob_count")).as("stored once").isEqualTo(3);
      assertThat(twice.value("storage_bytes")).isEqualTo(sizeOf(image));
      assertThat(twice.value("manifest_count")).as("once per repository").isEqualTo(2);
      assertThat(twice.value("repository_count")).isEqualTo(2);
      Scrape.until(http, "http_requests_total{method=\"GET\",route=\"health\",status=\"503\"}", 1);
      Scrape.until(http, "http_requests_total{method=\"other\",route=\"other\",status=\"400\"}", 1);

      http.delete("/v2/apps/one/manifests/" + image.digest()).expect(202);
      http.delete("/v2/apps/two/manifests/" + image.digest()).expect(202);
      Scrape deleted = Scrape.of(http);
      assertThat(deleted.value("manifest_count")).isZero();
      assertThat(deleted.value("registry_manifest_deletes_total")).isEqualTo(2);
      assertThat(deleted.value("registry_blob_count")).as("until collected").isEqualTo(3);

      http.post("/admin/gc", new byte[0]).expect(200);
      Scrape collected = Scrape.of(http);
      assertThat(collected.value("registry_blob_count")).isZero();
      assertThat(collected.value("storage_bytes")).isZero();
      assertThat(collected.value("repository_count")).as("the catalog keeps them").isEqualTo(2);
      assertThat(collected.value("registry_gc_blobs_deleted_total")).isEqualTo(3);
      assertThat(collected.value("registry_gc_freed_bytes_total")).isEqualTo(sizeOf(image));
      assertThat(collected.value("registry_gc_runs_total{outcome=\"success\"}")).isEqualTo(1);
      assertThat(collected.value("registry_gc_duration_seconds_count")).isEqualTo(1);
      assertThat(collected.value("registry_gc_last_success_timestamp_seconds"))
          .isGreaterThan(System.currentTimeMillis() / 1000.0 - 60);
      Scrape.until(http, "http_requests_total{method=\"POST\",route=\"admin\",status=\"200\"}", 1);
      collected.passesPromtool(workDir);

      http.post("/admin/gc?dryRun=true", new byte[0]).expect(200);
      Scrape dryRun = Scrape.of(http);
      assertThat(dryRun.value("registry_gc_runs_total{outcome=\"dry_run\"}")).isEqualTo(1);
      assertThat(dryRun.value("registry_gc_runs_total{outcome=\"success\"}")).isEqualTo(1);
    }
  }

  @Test
  void storageCountsComeFromTheStoreAndSurviveARestart() throws Exception {
    Map<String, Double> before = new HashMap<>();
    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, env())) {
      TestHttp http = new TestHttp(controller.base());
      Pusher push = new Pusher(http);
      push.image("os/ubuntu", "22.04", Artifacts.image("ubuntu"));
      push.image("os/debian", "12", Artifacts.image("debian"));
      push.blob("os/debian", Artifacts.layer("a layer no manifest names"));
      Scrape scrape = Scrape.of(http);
      for (String series :
          new String[] {
            "registry_blob_count", "storage_bytes", "manifest_count", "repository_count"
          }) {
        before.put(series, scrape.value(series));
      }
      assertThat(before.get("registry_blob_count")).isEqualTo(7);
      assertThat(before.get("manifest_count")).isEqualTo(2);
    }
    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, env())) {
      Scrape restarted = Scrape.of(new TestHttp(controller.base()));
      for (Map.Entry<String, Double> series : before.entrySet()) {
        assertThat(restarted.value(series.getKey()))
            .as(series.getKey())
            .isEqualTo(series.getValue());
      }
      assertThat(restarted.valueOrZero("registry_manifest_pushes_total"))
          .as("a counter starts again")
          .isZero();
    }
  }

  @Test
  void metricsAddrServesMetricsOnAPortOfItsOwn() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(workDir, env("METRICS_ADDR", "127.0.0.1:0"))) {
      TestHttp main = new TestHttp(controller.base());
      Matcher port = METRICS_PORT.matcher(controller.log());
      assertThat(port.find()).as(controller.log()).isTrue();
      TestHttp metrics = new TestHttp(URI.create("http://127.0.0.1:" + port.group(1)));

      main.get("/v2/").expect(200);
      assertThat(main.get("/metrics").status()).isEqualTo(404);
      assertThat(metrics.get("/v2/").status()).as("only /metrics there").isEqualTo(404);
      Scrape.until(metrics, "http_requests_total{method=\"GET\",route=\"base\",status=\"200\"}", 1);
      Scrape.until(
          metrics, "http_requests_total{method=\"GET\",route=\"metrics\",status=\"404\"}", 1);
    }
  }
}
