package dev.ociregistry.servlet;

import java.time.Duration;

/**
 * Settings of the {@code /v2} servlet.
 *
 * @param maxConcurrentUploads how many requests may stream upload data at once; more get 429
 * @param uploadTimeout the longest one request may take to send upload data; what arrived is kept
 *     and the upload resumes from there
 * @param downloadTimeout the longest one blob download may take before the server stops it
 */
public record ServletOptions(
    int maxConcurrentUploads, Duration uploadTimeout, Duration downloadTimeout) {
  public ServletOptions {
    if (maxConcurrentUploads <= 0) {
      throw new IllegalArgumentException("maxConcurrentUploads must be positive");
    }
    if (uploadTimeout.isNegative() || uploadTimeout.isZero()) {
      throw new IllegalArgumentException("uploadTimeout must be positive");
    }
    if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
      throw new IllegalArgumentException("downloadTimeout must be positive");
    }
  }

  /** Eight concurrent uploads, one hour per upload request, thirty minutes per download. */
  public static ServletOptions defaults() {
    return new ServletOptions(8, Duration.ofHours(1), Duration.ofMinutes(30));
  }

  public ServletOptions withMaxConcurrentUploads(int max) {
    return new ServletOptions(max, uploadTimeout, downloadTimeout);
  }

  public ServletOptions withUploadTimeout(Duration timeout) {
    return new ServletOptions(maxConcurrentUploads, timeout, downloadTimeout);
  }

  public ServletOptions withDownloadTimeout(Duration timeout) {
    return new ServletOptions(maxConcurrentUploads, uploadTimeout, timeout);
  }
}
