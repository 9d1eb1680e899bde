package dev.ociregistry.core.integrity;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.content.BlobNotFoundException;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.layout.StorageStatistics;
import dev.ociregistry.core.metadata.BlobRecord;
import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.RegistryMetadata;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Re-hashes every stored blob at a bounded rate and moves each one whose content no longer matches
 * its name (a bit flip, a disk fault, a hand edit) to {@code quarantine/}: out of every reader's
 * way, so a pull answers 404 rather than wrong bytes, and kept for the operator to look at. A push
 * of the right content stores it again.
 *
 * <p>Reading needs no lock, as blob content never changes in place; the move holds the digest's
 * lock, like every delete, and happens only if the blob, hashed again under the lock, still does
 * not match. One scrub runs at a time. Safe for concurrent use.
 */
public final class Scrubber {
  private static final System.Logger LOG = System.getLogger(Scrubber.class.getName());
  private static final int BUFFER = 256 * 1024;

  private final RegistryMetadata metadata;
  private final BlobContent content;
  private final Coordination coordination;
  private final StorageStatistics statistics;
  private final AtomicBoolean running = new AtomicBoolean();

  /**
   * Wired by the registry as it opens (the parameter types are internal); not for applications,
   * which get the registry's scrubber.
   *
   * @param metadata the blob records, whose content is scrubbed
   * @param content where the blobs' content is kept
   * @param coordination the per-digest locks and notes shared with every writer and the collector
   * @param statistics told of every blob quarantined
   */
  @SuppressWarnings("exports")
  public Scrubber(
      RegistryMetadata metadata,
      BlobContent content,
      Coordination coordination,
      StorageStatistics statistics) {
    this.metadata = metadata;
    this.content = content;
    this.coordination = coordination;
    this.statistics = statistics;
  }

  /**
   * Scrubs every blob, reading at most {@code bytesPerSecond} on average; blocks until every blob
   * was read.
   *
   * @param bytesPerSecond the average read rate, in bytes per second; positive
   * @return the report, or empty when another scrub is under way
   * @throws IllegalArgumentException when {@code bytesPerSecond} is not positive
   * @throws IOException when the storage fails
   * @throws InterruptedIOException or {@link java.nio.channels.ClosedByInterruptException} when the
   *     thread is interrupted: the scrub stops where it is
   */
  public Optional<ScrubReport> scrub(long bytesPerSecond) throws IOException {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("the scrub rate must be positive: " + bytesPerSecond);
    }
    if (!running.compareAndSet(false, true)) {
      return Optional.empty();
    }
    try {
      return Optional.of(run(new Pace(bytesPerSecond)));
    } finally {
      running.set(false);
    }
  }

  /** {@return whether a scrub is under way} */
  public boolean isRunning() {
    return running.get();
  }

  private ScrubReport run(Pace pace) throws IOException {
    Instant started = Instant.now();
    long blobs = 0;
    List<String> quarantined = new ArrayList<>();
    List<Digest> stored;
    try (Stream<Digest> all = metadata.blobs()) {
      stored = all.toList();
    }
    for (Digest digest : stored) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("the scrub was stopped after " + blobs + " blobs");
      }
      blobs++;
      if (isDamaged(digest, pace) && quarantine(digest)) {
        quarantined.add(digest.toString());
      }
    }
    return new ScrubReport(
        blobs, pace.bytes, quarantined, Duration.between(started, Instant.now()));
  }

  /** The digest of what blob {@code digest} holds now, or empty when it is gone. */
  private Optional<Digest> hash(Digest digest, Pace pace) throws IOException {
    MessageDigest hash = digest.algorithm().newMessageDigest();
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    Optional<BlobRecord> record = metadata.blob(digest);
    if (record.isEmpty()) {
      return Optional.empty();
    }
    try (SeekableByteChannel channel = content.open(record.get().location())) {
      int read;
      while ((read = channel.read(buffer.clear())) >= 0) {
        hash.update(buffer.array(), 0, read);
        pace.took(read);
      }
    } catch (BlobNotFoundException e) {
      return Optional.empty();
    }
    return Optional.of(Digest.of(digest.algorithm(), hash));
  }

  private boolean isDamaged(Digest digest, Pace pace) throws IOException {
    return hash(digest, pace).map(actual -> !actual.equals(digest)).orElse(false);
  }

  /**
   * Moves blob {@code digest} to quarantine if, hashed again under its lock, it still does not
   * match: it may have been collected and pushed again, verified, since it was read.
   */
  private boolean quarantine(Digest digest) throws IOException {
    try (Coordination.Held lock = coordination.lock(digest)) {
      Optional<BlobRecord> stored = metadata.blob(digest);
      if (stored.isEmpty() || !isDamaged(digest, new Pace(Long.MAX_VALUE))) {
        return false;
      }
      metadata.forgetBlob(digest);
      String aside = content.quarantine(stored.get().location(), digest);
      statistics.blobRemoved(digest);
      LOG.log(
          System.Logger.Level.WARNING,
          "blob {0} ({1} bytes) does not match its digest: moved to {2}",
          digest,
          stored.get().size(),
          aside);
      return true;
    }
  }

  /** Keeps the average read rate at or below its bound by pausing when ahead. */
  private static final class Pace {
    private final long bytesPerSecond;
    private final long startNanos = System.nanoTime();
    private long bytes;

    Pace(long bytesPerSecond) {
      this.bytesPerSecond = bytesPerSecond;
    }

    /**
     * Counts {@code read} bytes, pausing while ahead of the rate.
     *
     * @throws InterruptedIOException when the thread is interrupted: a large blob does not hold up
     *     a stop
     */
    void took(int read) throws InterruptedIOException {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("the scrub was stopped");
      }
      bytes += read;
      if (bytesPerSecond == Long.MAX_VALUE) {
        return;
      }
      long dueNanos = (long) (bytes * 1e9 / bytesPerSecond);
      long aheadNanos = dueNanos - (System.nanoTime() - startNanos);
      if (aheadNanos > 0) {
        LockSupport.parkNanos(aheadNanos);
      }
    }
  }
}
