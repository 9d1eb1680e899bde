package dev.ociregistry.controller.admin;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.servlet.RegistryListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Turns what the {@code /v2} servlet reports into Micrometer meters: blobs and manifests stored and
 * deleted, and uploads refused because the upload cap stayed full. Requests themselves are metered
 * for every route alike, by {@link dev.ociregistry.controller.http.HttpMetrics}.
 */
public final class RegistryMetrics implements RegistryListener {
  private final DistributionSummary pushedBlobBytes;
  private final Counter manifestsPushed;
  private final Counter manifestsDeleted;
  private final Counter uploadsRefused;

  public RegistryMetrics(MeterRegistry meters) {
    this.pushedBlobBytes =
        DistributionSummary.builder("registry.blob.push.size")
            .description("Sizes of blobs stored by uploads and mounts")
            .baseUnit("bytes")
            .register(meters);
    this.manifestsPushed =
        Counter.builder("registry.manifest.pushes")
            .description("Manifests pushed")
            .register(meters);
    this.manifestsDeleted =
        Counter.builder("registry.manifest.deletes")
            .description("Manifests deleted")
            .register(meters);
    this.uploadsRefused =
        Counter.builder("registry.uploads.refused")
            .description("Uploads refused (429) after waiting their turn under the upload cap")
            .register(meters);
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

  @Override
  public void uploadRefused(RepositoryName repository) {
    uploadsRefused.increment();
  }
}
