package dev.ociregistry.core.content;

import dev.ociregistry.core.digest.Digest;
import java.io.IOException;
import java.io.InputStream;

/**
 * An upload in progress. One thread at a time appends to it (the caller serializes requests of one
 * upload, across processes too); {@link #size()} may be read by others meanwhile.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-a-blob-in-chunks">
 *     distribution-spec: pushing a blob in chunks</a>
 */
public interface BlobUpload {
  /**
   * The upload's identifier.
   *
   * @return the identifier it was begun with
   */
  String id();

  /**
   * The bytes the upload holds after its last finished append; no I/O.
   *
   * @return the size in bytes
   */
  long size();

  /**
   * What another process needs to take the upload up where it is ({@link
   * BlobContent#resumeUpload}). It may hold up to a block of the content's bytes, so it is kept
   * with the upload's own access rules.
   *
   * @return the state after the last finished append
   */
  byte[] state();

  /**
   * Appends {@code chunk} to the upload.
   *
   * <p>When it fails, the upload holds its content before the call, or that content followed by a
   * prefix of what the chunk delivered (an implementation may keep what a stalled client sent);
   * {@link #size()} says which.
   *
   * @param chunk read to its end, or to one byte past {@code length}; not closed
   * @param length the declared length of the chunk, or a negative number when unknown
   * @return the upload's size after the append
   * @throws SizeMismatchException when the chunk's length is not {@code length}; nothing of it is
   *     kept then
   * @throws IOException when reading {@code chunk} or the store fails
   */
  long append(InputStream chunk, long length) throws IOException;

  /**
   * Verifies the whole content against {@code expected} and stages it as a blob. The upload is over
   * when it returns: its content belongs to the staged blob.
   *
   * @param expected the digest the content must have
   * @return the staged content; the caller commits or discards it
   * @throws DigestMismatchException when the content does not match; the upload stays as it was, to
   *     be aborted
   * @throws IOException when the store fails
   */
  StagedBlob complete(Digest expected) throws IOException;

  /**
   * Ends the upload and drops its content.
   *
   * @throws IOException when the store fails
   */
  void abort() throws IOException;
}
