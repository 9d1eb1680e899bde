package dev.ociregistry.servlet;

import dev.ociregistry.servlet.internal.BodyReadAhead;
import java.time.Duration;

/**
 * Settings of the {@code /v2} servlet.
 *
 * @param maxConcurrentUploads how many requests may stream upload data at once; more wait their
 *     turn
 * @param uploadTimeout the longest one request may take to send upload data; what arrived is kept
 *     and the upload resumes from there
 * @param downloadTimeout the longest one blob download may take before the server stops it
 * @param uploadQueueTimeout how long an upload beyond the cap waits for a slot, first come first
 *     served, before it gets 429 with {@code Retry-After}; zero refuses at once
 * @param bodyMemoryBytes the heap that manifest bodies being pushed may take at once, counted at
 *     {@link BodyReadAhead#COST_FACTOR} times their size; a push beyond it waits a moment, then
 *     gets 429
 */
public record ServletOptions(
    int maxConcurrentUploads,
    Duration uploadTimeout,
    Duration downloadTimeout,
    Duration uploadQueueTimeout,
    long bodyMemoryBytes) {
  /**
   * How many uploads beyond the cap may wait at once; more get 429 at once. Each waits on a request
   * thread, so this stays well below a container's usual 200 threads.
   */
  public static final int MAX_WAITING_UPLOADS = 64;

  /** How long an upload beyond the cap waits by default. */
  public static final Duration DEFAULT_UPLOAD_QUEUE_TIMEOUT = Duration.ofMinutes(1);

  /** Options whose uploads beyond the cap wait {@link #DEFAULT_UPLOAD_QUEUE_TIMEOUT}. */
  public ServletOptions(
      int maxConcurrentUploads, Duration uploadTimeout, Duration downloadTimeout) {
    this(maxConcurrentUploads, uploadTimeout, downloadTimeout, DEFAULT_UPLOAD_QUEUE_TIMEOUT);
  }

  /** Options with the {@link #defaultBodyMemoryBytes() default} memory for manifest bodies. */
  public ServletOptions(
      int maxConcurrentUploads,
      Duration uploadTimeout,
      Duration downloadTimeout,
      Duration uploadQueueTimeout) {
    this(
        maxConcurrentUploads,
        uploadTimeout,
        downloadTimeout,
        uploadQueueTimeout,
        defaultBodyMemoryBytes());
  }

  /**
   * A quarter of the maximum heap, between 16 MiB and 256 MiB: with a 256 MiB heap, four 4 MiB
   * manifests or thousands of ordinary ones at once.
   */
  public static long defaultBodyMemoryBytes() {
    long quarter = Runtime.getRuntime().maxMemory() / 4;
    return Math.max(16L << 20, Math.min(256L << 20, quarter));
  }

  public ServletOptions {
    if (uploadQueueTimeout.isNegative()) {
      throw new IllegalArgumentException("uploadQueueTimeout must be zero or more");
    }
    if (maxConcurrentUploads <= 0) {
      throw new IllegalArgumentException("maxConcurrentUploads must be positive");
    }
    if (uploadTimeout.isNegative() || uploadTimeout.isZero()) {
      throw new IllegalArgumentException("uploadTimeout must be positive");
    }
    if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
      throw new IllegalArgumentException("downloadTimeout must be positive");
    }
    if (bodyMemoryBytes <= 0) {
      throw new IllegalArgumentException("bodyMemoryBytes must be positive");
    }
  }

  /**
   * Eight concurrent uploads (more wait up to a minute), one hour per upload request, thirty
   * minutes per download.
   */
  public static ServletOptions defaults() {
    return new ServletOptions(8, Duration.ofHours(1), Duration.ofMinutes(30));
  }

  public ServletOptions withMaxConcurrentUploads(int max) {
    return new ServletOptions(
        max, uploadTimeout, downloadTimeout, uploadQueueTimeout, bodyMemoryBytes);
  }

  public ServletOptions withUploadTimeout(Duration timeout) {
    return new ServletOptions(
        maxConcurrentUploads, timeout, downloadTimeout, uploadQueueTimeout, bodyMemoryBytes);
  }

  public ServletOptions withDownloadTimeout(Duration timeout) {
    return new ServletOptions(
        maxConcurrentUploads, uploadTimeout, timeout, uploadQueueTimeout, bodyMemoryBytes);
  }

  public ServletOptions withUploadQueueTimeout(Duration timeout) {
    return new ServletOptions(
        maxConcurrentUploads, uploadTimeout, downloadTimeout, timeout, bodyMemoryBytes);
  }

  public ServletOptions withBodyMemoryBytes(long bytes) {
    return new ServletOptions(
        maxConcurrentUploads, uploadTimeout, downloadTimeout, uploadQueueTimeout, bytes);
  }
}
