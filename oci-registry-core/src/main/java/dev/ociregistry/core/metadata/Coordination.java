package dev.ociregistry.core.metadata;

import dev.ociregistry.core.digest.Digest;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What keeps online garbage collection safe while pushes go on: per-digest locks and the digests
 * noted during a collection, the same for every process that shares the metadata.
 *
 * <p>A push, a mount, a HEAD or a pin refreshes what it uses and notes its digests holding their
 * locks; the collector re-checks a digest under the same lock just before it deletes it, and keeps
 * it when it was noted since the collection began.
 */
public interface Coordination {
  /** Locks held until closed. */
  interface Held extends AutoCloseable {
    /** Releases the locks. */
    @Override
    void close();
  }

  /**
   * Takes the locks of {@code digests}, in an order every process uses, waiting as long as they are
   * held elsewhere.
   *
   * @param digests the digests; duplicates are taken once
   * @return the locks, held until closed
   * @throws IOException when the store that keeps the locks fails
   */
  Held lock(Collection<Digest> digests) throws IOException;

  /**
   * Takes the lock of one digest.
   *
   * @param digest the digest
   * @return the lock, held until closed
   * @throws IOException when the store that keeps the locks fails
   */
  default Held lock(Digest digest) throws IOException {
    return lock(List.of(digest));
  }

  /**
   * Takes the lock of upload {@code id} if it comes free within {@code wait}: one request at a time
   * appends to an upload, whichever replica it reaches. Upload locks are apart from digest locks; a
   * holder may take digest locks, never the other way round.
   *
   * @param id the upload's id
   * @param wait how long to wait for a holder to let go
   * @return the lock, held until closed, or empty when another holder kept it
   * @throws IOException when the store that keeps the locks fails
   */
  Optional<Held> tryLockUpload(String id, Duration wait) throws IOException;

  /**
   * Takes the collector's lease if it comes free within {@code wait}: one collection at a time,
   * across every process that shares the metadata.
   *
   * @param wait how long to wait for the collection that holds it
   * @return the lease, held until closed, or empty when another collection kept it
   * @throws IOException when the store that keeps the locks fails
   */
  Optional<Held> tryCollectorLease(Duration wait) throws IOException;

  /**
   * A collection begins: from now on {@link #note} records digests, until the matching {@link
   * #endCollection}.
   *
   * @throws IOException when the store fails
   */
  void beginCollection() throws IOException;

  /**
   * A collection ended; what was noted during it is forgotten when no other collection runs.
   *
   * @throws IOException when the store fails
   */
  void endCollection() throws IOException;

  /**
   * Notes that {@code digest} was just referenced; the caller holds its lock. Does nothing when no
   * collection runs.
   *
   * @param digest the digest
   * @throws IOException when the store fails
   */
  void note(Digest digest) throws IOException;

  /**
   * Whether {@code digest} was noted since the running collection began; the caller holds its lock.
   *
   * @param digest the digest
   * @return whether it was noted
   * @throws IOException when the store fails
   */
  boolean noted(Digest digest) throws IOException;
}
