package dev.ociregistry.core;

import java.time.Duration;

/**
 * Settings of an {@link OciRegistry}.
 *
 * @param uploadTimeout an upload that receives nothing for this long expires
 * @param maxManifestBytes the largest manifest accepted; larger ones are refused with 413
 * @param maxPageSize the most tags or repositories one listing returns, whatever {@code n} asks
 */
public record RegistryOptions(Duration uploadTimeout, int maxManifestBytes, int maxPageSize) {
  /** Four MiB, the manifest limit the distribution-spec recommends registries accept. */
  public static final int DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  public RegistryOptions {
    if (uploadTimeout == null || uploadTimeout.isNegative() || uploadTimeout.isZero()) {
      throw new IllegalArgumentException("uploadTimeout must be positive");
    }
    if (maxManifestBytes <= 0 || maxPageSize <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** One hour of upload inactivity, 4 MiB manifests, pages of at most 1000 entries. */
  public static RegistryOptions defaults() {
    return new RegistryOptions(Duration.ofHours(1), DEFAULT_MAX_MANIFEST_BYTES, 1000);
  }

  public RegistryOptions withUploadTimeout(Duration timeout) {
    return new RegistryOptions(timeout, maxManifestBytes, maxPageSize);
  }

  public RegistryOptions withMaxPageSize(int size) {
    return new RegistryOptions(uploadTimeout, maxManifestBytes, size);
  }
}
