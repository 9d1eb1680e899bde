package dev.ociregistry.core.content;

import dev.ociregistry.core.digest.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The bytes of blobs. Every write is staged and verified before it becomes visible at a location; a
 * location, once committed, holds the same bytes until it is deleted.
 *
 * <p>Implementations are safe for concurrent use. Coordination between writers of the same digest
 * (which of two equal blobs is kept) is the caller's: every staged blob has a location of its own,
 * or commits atomically over an equal one.
 */
public interface BlobContent {
  /**
   * The size of the content at {@code location}.
   *
   * @param location a location a commit returned
   * @return its size in bytes, or empty when nothing is there
   * @throws IOException when the store fails
   */
  Optional<Long> size(String location) throws IOException;

  /**
   * Opens the content at {@code location} for reading; reads fetch only the ranges asked for, so
   * positioning the channel and reading a range never reads the rest.
   *
   * @param location a location a commit returned
   * @return a read-only channel at position 0; the caller closes it
   * @throws BlobNotFoundException when nothing is there
   * @throws IOException when the store fails
   */
  SeekableByteChannel open(String location) throws IOException;

  /**
   * Streams {@code content} into a staged blob, hashing it as it passes, and verifies it.
   *
   * @param expected the digest the content must have
   * @param content read to its end, or to one byte past {@code expectedSize}; not closed
   * @param expectedSize the declared size, or a negative number when unknown
   * @return the verified, staged content; the caller commits or discards it
   * @throws SizeMismatchException when the content's length is not {@code expectedSize}
   * @throws DigestMismatchException when the content does not have digest {@code expected}
   * @throws IOException when reading {@code content} or the store fails; nothing is left then
   */
  StagedBlob put(Digest expected, InputStream content, long expectedSize) throws IOException;

  /**
   * Starts an upload whose content arrives in appends, possibly in several processes.
   *
   * @param id the upload's identifier, unique, made of letters, digits and {@code -}
   * @return the empty upload
   * @throws IOException when the store fails
   */
  BlobUpload beginUpload(String id) throws IOException;

  /**
   * Takes up an upload that this or another process began, at the state of its last append.
   *
   * @param id the upload's identifier
   * @param state the {@link BlobUpload#state()} after its last finished append
   * @return the upload, holding exactly the content up to that state
   * @throws BlobNotFoundException when the store knows the upload is gone (completed, aborted or
   *     never begun); some object stores accept an aborted multipart upload's id for a while, so
   *     the caller keeps its own record of which uploads are open
   * @throws IOException when the state is damaged or the store fails
   */
  BlobUpload resumeUpload(String id, byte[] state) throws IOException;

  /**
   * Deletes the content at {@code location}.
   *
   * @param location a location a commit returned
   * @return whether something was there
   * @throws IOException when the store fails
   */
  boolean delete(String location) throws IOException;

  /**
   * Moves the content at {@code location} out of every reader's way, kept for an operator to look
   * at: the integrity check found that it does not match its digest.
   *
   * @param location a location a commit returned
   * @param digest the digest the content should have had
   * @return where it went
   * @throws IOException when the store fails
   */
  String quarantine(String location, Digest digest) throws IOException;

  /**
   * Every committed location, for repairs and integrity checks (never on a request path: on an
   * object store it lists the bucket).
   *
   * @return the locations, in no particular order; the caller closes the stream
   * @throws IOException when the store fails
   */
  Stream<String> locations() throws IOException;

  /**
   * Removes what a crash can leave in the store that nothing names: content written but never
   * recorded (a crash between the two, or a discard that failed), content whose record was
   * forgotten but not deleted, and the parts and pieces of uploads whose record is gone. Content is
   * removed only when nothing has named it since a pass at least {@code age} earlier first found it
   * unnamed, so content on its way from being written to being recorded is never taken; an upload's
   * pieces only when no upload record names it and nothing was added to them for {@code age}. Never
   * on a request path: on an object store it lists the bucket.
   *
   * <p>The default, for stores in which content is its own record (the filesystem), finds nothing.
   *
   * @param names whether a record names what the pass found, asked again right before a removal
   * @param age how long a leftover stays unnamed, or an upload's pieces untouched, before it goes
   * @return what the pass did
   * @throws IOException when the store fails; what was removed so far stays removed
   */
  default LeftoverRepair removeLeftovers(LeftoverNames names, Duration age) throws IOException {
    return LeftoverRepair.NONE;
  }
}
