package dev.ociregistry.servlet;

import dev.ociregistry.servlet.internal.BodyReadAhead;
import java.time.Duration;

/**
 * Settings of the {@code /v2} servlet.
 *
 * @param maxConcurrentUploads how many requests may stream upload data at once; more wait their
 *     turn
 * @param uploadTimeout the longest one request may take to send upload data or a manifest body;
 *     what upload data arrived is kept and the upload resumes from there
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

  /**
   * Options whose uploads beyond the cap wait {@link #DEFAULT_UPLOAD_QUEUE_TIMEOUT}, with the
   * {@link #defaultBodyMemoryBytes() default} memory for manifest bodies.
   *
   * @param maxConcurrentUploads how many requests may stream upload data at once; positive
   * @param uploadTimeout the longest one request may take to send its body; positive
   * @param downloadTimeout the longest one blob download may take; positive
   * @throws IllegalArgumentException when a setting is out of range
   */
  public ServletOptions(
      int maxConcurrentUploads, Duration uploadTimeout, Duration downloadTimeout) {
    this(maxConcurrentUploads, uploadTimeout, downloadTimeout, DEFAULT_UPLOAD_QUEUE_TIMEOUT);
  }

  /**
   * Options with the {@link #defaultBodyMemoryBytes() default} memory for manifest bodies.
   *
   * @param maxConcurrentUploads how many requests may stream upload data at once; positive
   * @param uploadTimeout the longest one request may take to send its body; positive
   * @param downloadTimeout the longest one blob download may take; positive
   * @param uploadQueueTimeout how long an upload beyond the cap waits for a slot; zero or more
   * @throws IllegalArgumentException when a setting is out of range
   */
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
   *
   * @return the default {@link #bodyMemoryBytes}, in bytes, for this JVM's heap
   */
  public static long defaultBodyMemoryBytes() {
    long quarter = Runtime.getRuntime().maxMemory() / 4;
    return Math.max(16L << 20, Math.min(256L << 20, quarter));
  }

  /**
   * Checks the settings.
   *
   * @param maxConcurrentUploads how many requests may stream upload data at once; positive
   * @param uploadTimeout the longest one request may take to send its body; positive
   * @param downloadTimeout the longest one blob download may take; positive
   * @param uploadQueueTimeout how long an upload beyond the cap waits for a slot; zero or more
   * @param bodyMemoryBytes the heap manifest bodies may take at once, in bytes; positive
   * @throws IllegalArgumentException when a setting is out of range
   */
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
   *
   * @return the defaults
   */
  public static ServletOptions defaults() {
    return new ServletOptions(8, Duration.ofHours(1), Duration.ofMinutes(30));
  }

  /**
   * {@return these options with another cap on requests streaming upload data at once}
   *
   * @param max the cap; positive
   * @throws IllegalArgumentException when {@code max} is not positive
   */
  public ServletOptions withMaxConcurrentUploads(int max) {
    return new ServletOptions(
        max, uploadTimeout, downloadTimeout, uploadQueueTimeout, bodyMemoryBytes);
  }

  /**
   * {@return these options with another deadline for one request's body}
   *
   * @param timeout the longest one request may take to send upload data or a manifest body;
   *     positive
   * @throws IllegalArgumentException when {@code timeout} is not positive
   */
  public ServletOptions withUploadTimeout(Duration timeout) {
    return new ServletOptions(
        maxConcurrentUploads, timeout, downloadTimeout, uploadQueueTimeout, bodyMemoryBytes);
  }

  /**
   * {@return these options with another deadline for one blob download}
   *
   * @param timeout the longest one download may take; positive
   * @throws IllegalArgumentException when {@code timeout} is not positive
   */
  public ServletOptions withDownloadTimeout(Duration timeout) {
    return new ServletOptions(
        maxConcurrentUploads, uploadTimeout, timeout, uploadQueueTimeout, bodyMemoryBytes);
  }

  /**
   * {@return these options with another wait for uploads beyond the cap}
   *
   * @param timeout how long such an upload waits for a slot before 429; zero refuses at once
   * @throws IllegalArgumentException when {@code timeout} is negative
   */
  public ServletOptions withUploadQueueTimeout(Duration timeout) {
    return new ServletOptions(
        maxConcurrentUploads, uploadTimeout, downloadTimeout, timeout, bodyMemoryBytes);
  }

  /**
   * {@return these options with another memory budget for manifest bodies}
   *
   * @param bytes the heap manifest bodies being pushed may take at once; positive
   * @throws IllegalArgumentException when {@code bytes} is not positive
   */
  public ServletOptions withBodyMemoryBytes(long bytes) {
    return new ServletOptions(
        maxConcurrentUploads, uploadTimeout, downloadTimeout, uploadQueueTimeout, bytes);
  }
}
