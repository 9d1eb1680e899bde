package dev.ociregistry.core;

import java.time.Duration;

/**
 * Settings of an {@link OciRegistry}.
 *
 * @param uploadTimeout an upload that receives nothing for this long expires
 * @param maxManifestBytes the largest manifest accepted; larger ones are refused with 413
 * @param maxPageSize the most tags or repositories one listing returns, whatever {@code n} asks
 * @param maxOpenUploads how many upload sessions may be open at once; more are refused with 429
 * @param maxOpenUploadsPerRepository how many may be open at once in one repository
 */
public record RegistryOptions(
    Duration uploadTimeout,
    int maxManifestBytes,
    int maxPageSize,
    int maxOpenUploads,
    int maxOpenUploadsPerRepository) {
  /** Four MiB, the manifest limit the distribution-spec recommends registries accept. */
  public static final int DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  /**
   * Checks the settings.
   *
   * @param uploadTimeout an upload that receives nothing for this long expires; positive
   * @param maxManifestBytes the largest manifest accepted, in bytes; positive
   * @param maxPageSize the most tags or repositories one listing returns; positive
   * @param maxOpenUploads how many upload sessions may be open at once; positive
   * @param maxOpenUploadsPerRepository how many may be open at once in one repository; positive
   * @throws IllegalArgumentException when a setting is null, zero or negative
   */
  public RegistryOptions {
    if (uploadTimeout == null || uploadTimeout.isNegative() || uploadTimeout.isZero()) {
      throw new IllegalArgumentException("uploadTimeout must be positive");
    }
    if (maxManifestBytes <= 0
        || maxPageSize <= 0
        || maxOpenUploads <= 0
        || maxOpenUploadsPerRepository <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** How many upload sessions may be open at once by default. */
  public static final int DEFAULT_MAX_OPEN_UPLOADS = 1024;

  /** How many upload sessions may be open at once in one repository by default. */
  public static final int DEFAULT_MAX_OPEN_UPLOADS_PER_REPOSITORY = 256;

  /**
   * One hour of upload inactivity, 4 MiB manifests, pages of at most 1000 entries, 1024 uploads
   * open at once (256 in one repository).
   *
   * @return the defaults
   */
  public static RegistryOptions defaults() {
    return new RegistryOptions(
        Duration.ofHours(1),
        DEFAULT_MAX_MANIFEST_BYTES,
        1000,
        DEFAULT_MAX_OPEN_UPLOADS,
        DEFAULT_MAX_OPEN_UPLOADS_PER_REPOSITORY);
  }

  /**
   * {@return these settings with another upload timeout}
   *
   * @param timeout how long an upload may receive nothing before it expires; positive
   * @throws IllegalArgumentException when {@code timeout} is null, zero or negative
   */
  public RegistryOptions withUploadTimeout(Duration timeout) {
    return new RegistryOptions(
        timeout, maxManifestBytes, maxPageSize, maxOpenUploads, maxOpenUploadsPerRepository);
  }

  /**
   * {@return these settings with another listing page cap}
   *
   * @param size the most tags or repositories one listing returns, whatever {@code n} asks;
   *     positive
   * @throws IllegalArgumentException when {@code size} is not positive
   */
  public RegistryOptions withMaxPageSize(int size) {
    return new RegistryOptions(
        uploadTimeout, maxManifestBytes, size, maxOpenUploads, maxOpenUploadsPerRepository);
  }

  /**
   * {@return these settings with other caps on open uploads}
   *
   * @param total how many upload sessions may be open at once; more are refused with 429
   * @param perRepository how many may be open at once in one repository
   * @throws IllegalArgumentException when either is not positive
   */
  public RegistryOptions withMaxOpenUploads(int total, int perRepository) {
    return new RegistryOptions(uploadTimeout, maxManifestBytes, maxPageSize, total, perRepository);
  }
}
