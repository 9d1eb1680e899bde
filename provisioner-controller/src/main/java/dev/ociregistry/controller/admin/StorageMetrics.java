package dev.ociregistry.controller.admin;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.upload.UploadManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gauges of the registry's storage, read when scraped: the free space on its volume (what a disk
 * full alert watches) and the upload sessions open.
 */
public final class StorageMetrics implements MeterBinder {
  private final OciRegistry registry;
  private final Path storage;

  public StorageMetrics(OciRegistry registry, Path storage) {
    this.registry = registry;
    this.storage = storage;
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    Gauge.builder("registry_storage_free_bytes", storage, StorageMetrics::usableBytes)
        .description("Space left for the registry on its storage volume")
        .baseUnit("bytes")
        .register(meters);
    Gauge.builder("registry_uploads_open", registry.uploads(), UploadManager::openCount)
        .description("Upload sessions open")
        .register(meters);
  }

  private static double usableBytes(Path storage) {
    try {
      return Files.getFileStore(storage).getUsableSpace();
    } catch (IOException e) {
      return Double.NaN;
    }
  }
}
