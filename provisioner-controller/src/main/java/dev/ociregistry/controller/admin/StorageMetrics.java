package dev.ociregistry.controller.admin;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.layout.StorageStatistics;
import dev.ociregistry.core.upload.UploadManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The registry's storage, read from totals the core keeps current (a scrape never scans the store):
 * bytes and counts of blobs, manifests and repositories under the names dashboards already use, the
 * upload sessions open and their bytes, and the size and free space of the storage volume.
 *
 * <p>The names ending in {@code _count} are exposed untyped: Prometheus reserves that suffix for
 * histograms and summaries, and its linter rejects a gauge so named, but the names are the ones
 * operators alert on. PromQL reads an untyped series as it reads a gauge.
 */
public final class StorageMetrics {
  private final OciRegistry registry;
  private final Path storage;

  public StorageMetrics(OciRegistry registry, Path storage) {
    this.registry = registry;
    this.storage = storage;
  }

  public void bindTo(PrometheusMeterRegistry meters) {
    StorageStatistics statistics = registry.statistics();
    for (String name : List.of("registry.storage", "storage")) {
      Gauge.builder(name, statistics, stats -> stats.totals().blobBytes())
          .description("Bytes held by blobs (manifests included), each stored once")
          .baseUnit("bytes")
          .register(meters);
    }
    for (String name : List.of("registry_blob_count", "blob_count")) {
      untyped(meters, name, "Blobs stored (manifests included)", StorageStatistics.Totals::blobs);
    }
    untyped(
        meters,
        "manifest_count",
        "Manifests, counted once per repository that holds them",
        StorageStatistics.Totals::manifests);
    untyped(meters, "repository_count", "Repositories", StorageStatistics.Totals::repositories);
    Gauge.builder("registry.storage.free", storage, path -> volume(path, FileStore::getUsableSpace))
        .description("Space left for the registry on its storage volume")
        .baseUnit("bytes")
        .register(meters);
    Gauge.builder(
            "registry.storage.capacity", storage, path -> volume(path, FileStore::getTotalSpace))
        .description("Size of the registry's storage volume")
        .baseUnit("bytes")
        .register(meters);
    Gauge.builder("registry.uploads.open", registry.uploads(), UploadManager::openCount)
        .description("Upload sessions open")
        .register(meters);
    Gauge.builder("registry.uploads.open.size", registry.uploads(), UploadManager::openBytes)
        .description("Bytes held by the upload sessions open")
        .baseUnit("bytes")
        .register(meters);
  }

  private void untyped(
      PrometheusMeterRegistry meters,
      String name,
      String help,
      ToLongFunction<StorageStatistics.Totals> value) {
    StorageStatistics statistics = registry.statistics();
    meters
        .getPrometheusRegistry()
        .register(
            () ->
                UnknownSnapshot.builder()
                    .name(name)
                    .help(help)
                    .dataPoint(
                        UnknownSnapshot.UnknownDataPointSnapshot.builder()
                            .value(figure(statistics, value))
                            .build())
                    .build());
  }

  /** A figure of the totals; not a number when shared metadata cannot be read for a moment. */
  private static double figure(
      StorageStatistics statistics, ToLongFunction<StorageStatistics.Totals> value) {
    try {
      return value.applyAsLong(statistics.totals());
    } catch (UncheckedIOException e) {
      return Double.NaN;
    }
  }

  private interface VolumeFigure {
    long of(FileStore volume) throws IOException;
  }

  private static double volume(Path storage, VolumeFigure figure) {
    try {
      return figure.of(Files.getFileStore(storage));
    } catch (IOException e) {
      return Double.NaN;
    }
  }
}
