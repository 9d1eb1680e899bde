package dev.ociregistry.core.layout;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.content.BlobNotFoundException;
import dev.ociregistry.core.content.DigestMismatchException;
import dev.ociregistry.core.content.SizeMismatchException;
import dev.ociregistry.core.content.StagedBlob;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.DeletionGuard;
import dev.ociregistry.core.metadata.BlobRecord;
import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.model.RepositoryName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

/**
 * Blobs: stored once under {@code blobs/} (global deduplication), visible in a repository only
 * through that repository's link (isolation).
 *
 * <p>A blob file appears only by an atomic publish of a complete temporary whose digest and size
 * were verified while it streamed in; its age starts at the publish. Publishing, HEAD refreshes,
 * deletes and the garbage collector's deletes hold the digest's lock, so a blob that a client just
 * saw cannot vanish before its age was refreshed, and a pin is checked in the same step as the
 * delete it refuses.
 *
 * <p>Safe for concurrent use.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-blobs">
 *     distribution-spec: pulling blobs</a>
 */
public final class BlobStore {
  private final RegistryMetadata metadata;
  private final BlobContent content;
  private final Coordination coordination;
  private final DeletionGuard deletionGuard;
  private final StorageStatistics statistics;

  /**
   * Wired by the registry as it opens (the parameter types are internal); not for applications,
   * which get the registry's store.
   *
   * @param metadata where links and blob records are kept
   * @param content where blobs' bytes are kept
   * @param coordination the per-digest locks and notes shared with every writer and the collector
   * @param deletionGuard refuses deletes of what a pin keeps
   * @param statistics told of every blob and link added or removed
   */
  @SuppressWarnings("exports")
  public BlobStore(
      RegistryMetadata metadata,
      BlobContent content,
      Coordination coordination,
      DeletionGuard deletionGuard,
      StorageStatistics statistics) {
    this.metadata = metadata;
    this.content = content;
    this.coordination = coordination;
    this.deletionGuard = deletionGuard;
    this.statistics = statistics;
  }

  /**
   * Looks a blob up as visible in {@code repository}, without refreshing its age (GET).
   *
   * @param repository the repository that must link the blob
   * @param digest the blob's digest
   * @return the blob, or empty when it is not visible there
   * @throws IOException when the storage fails
   */
  public Optional<StoredBlob> stat(RepositoryName repository, Digest digest) throws IOException {
    if (!metadata.blobLinked(repository, digest)) {
      return Optional.empty();
    }
    return metadata.blob(digest).map(record -> new StoredBlob(digest, record.size()));
  }

  /**
   * The blob as visible in {@code repository}, refreshing its age: a client that checks a blob
   * exists (HEAD) and then pushes a manifest that references it is safe from the collector.
   *
   * @param repository the repository that must link the blob
   * @param digest the blob's digest
   * @return the blob, or empty when it is not visible there
   * @throws IOException when the storage fails
   */
  public Optional<StoredBlob> statAndRefresh(RepositoryName repository, Digest digest)
      throws IOException {
    try (Coordination.Held lock = coordination.lock(digest)) {
      Optional<StoredBlob> blob = stat(repository, digest);
      if (blob.isEmpty() || !metadata.refreshBlob(digest)) {
        return Optional.empty();
      }
      coordination.note(digest);
      return blob;
    }
  }

  /**
   * Opens a blob of {@code repository} for reading, without refreshing its age.
   *
   * @param repository the repository that must link the blob
   * @param digest the blob's digest
   * @return a read-only channel at position 0; the caller closes it
   * @throws RegistryException {@link ErrorCode#BLOB_UNKNOWN} when it is not visible there
   * @throws IOException when the storage fails
   */
  public SeekableByteChannel open(RepositoryName repository, Digest digest) throws IOException {
    if (!metadata.blobLinked(repository, digest)) {
      throw unknown(repository, digest);
    }
    Optional<BlobRecord> record = metadata.blob(digest);
    if (record.isEmpty()) {
      throw unknown(repository, digest);
    }
    try {
      return content.open(record.get().location());
    } catch (BlobNotFoundException e) {
      throw unknown(repository, digest);
    }
  }

  /**
   * Stores a blob from a stream, verified against {@code expected} as it streams, and links it into
   * {@code repository} (a monolithic upload).
   *
   * @param repository the repository to link the blob into
   * @param expected the digest the content must have
   * @param content read to its end, or one byte past {@code expectedSize}; not closed
   * @param expectedSize the declared size, or a negative number when unknown
   * @return the stored blob
   * @throws RegistryException {@link ErrorCode#DIGEST_INVALID} or {@link ErrorCode#SIZE_INVALID}
   *     when the content does not match; nothing is stored then
   * @throws IOException when reading {@code content} or the storage fails; nothing is stored then
   */
  public StoredBlob put(
      RepositoryName repository, Digest expected, InputStream content, long expectedSize)
      throws IOException {
    StagedBlob staged;
    try {
      staged = this.content.put(expected, content, expectedSize);
    } catch (SizeMismatchException e) {
      throw new RegistryException(ErrorCode.SIZE_INVALID, e.getMessage());
    } catch (DigestMismatchException e) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage(), expected.toString());
    }
    return publish(staged, repository);
  }

  /**
   * Publishes verified, staged content as a blob and links it into {@code repository}. When the
   * blob is already stored the staged content is dropped and the stored blob's age refreshed.
   *
   * @param staged the content, committed or discarded here
   * @param repository the repository to link the blob into
   * @return the stored blob
   * @throws IOException when the storage fails
   */
  public StoredBlob publish(StagedBlob staged, RepositoryName repository) throws IOException {
    Digest digest = staged.digest();
    try (Coordination.Held lock = coordination.lock(digest)) {
      keep(staged);
      link(repository, digest);
      coordination.note(digest);
    }
    return new StoredBlob(digest, staged.size());
  }

  /**
   * Commits {@code staged}, or drops it for the equal blob already kept; holds the digest's lock.
   */
  private void keep(StagedBlob staged) throws IOException {
    if (metadata.refreshBlob(staged.digest())) {
      staged.discard();
    } else {
      String location = staged.commit();
      metadata.recordBlob(staged.digest(), staged.size(), location);
      statistics.blobAdded(staged.digest(), staged.size());
    }
  }

  /**
   * Makes a stored blob visible in {@code target}: from {@code source} when given (the blob must be
   * visible there), else from anywhere in the registry. Refreshes the blob's age.
   *
   * @param target the repository to link the blob into
   * @param digest the blob's digest
   * @param source the repository to mount from, or empty for any; the caller checks that the client
   *     may read it
   * @return the mounted blob, or empty when there is nothing to mount (the client then uploads)
   * @throws IOException when the storage fails
   */
  public Optional<StoredBlob> mount(
      RepositoryName target, Digest digest, Optional<RepositoryName> source) throws IOException {
    try (Coordination.Held lock = coordination.lock(digest)) {
      if (source.isPresent() && !metadata.blobLinked(source.get(), digest)) {
        return Optional.empty();
      }
      Optional<BlobRecord> record = metadata.blob(digest);
      if (record.isEmpty() || !metadata.refreshBlob(digest)) {
        return Optional.empty();
      }
      link(target, digest);
      coordination.note(digest);
      return Optional.of(new StoredBlob(digest, record.get().size()));
    }
  }

  /**
   * Removes a blob from {@code repository}. The content stays while other repositories link it; the
   * garbage collector frees it when nothing does.
   *
   * @param repository the repository to unlink the blob from
   * @param digest the blob's digest
   * @throws RegistryException {@link ErrorCode#BLOB_UNKNOWN} when it is not visible there, {@link
   *     ErrorCode#DENIED} when the {@link DeletionGuard} keeps it (a pinned manifest needs it)
   * @throws IOException when the storage fails
   */
  public void delete(RepositoryName repository, Digest digest) throws IOException {
    try (Coordination.Held lock = coordination.lock(digest)) {
      if (stat(repository, digest).isEmpty()) {
        throw unknown(repository, digest);
      }
      deletionGuard.check(repository, digest, "blob");
      if (!metadata.unlinkBlob(repository, digest)) {
        throw unknown(repository, digest);
      }
      statistics.unlinked(repository, digest, false);
    }
  }

  /**
   * Stores small content (a manifest) as blob {@code digest} without linking it into any
   * repository, or refreshes its age when it is already stored. The caller verified the digest.
   *
   * @param digest the content's digest
   * @param bytes the whole content, written atomically
   * @throws IOException when the storage fails
   */
  public void storeContent(Digest digest, byte[] bytes) throws IOException {
    StagedBlob staged = content.put(digest, new ByteArrayInputStream(bytes), bytes.length);
    try (Coordination.Held lock = coordination.lock(digest)) {
      keep(staged);
    }
  }

  private void link(RepositoryName repository, Digest digest) throws IOException {
    if (metadata.linkBlob(repository, digest)) {
      statistics.linked(repository, digest, false);
    }
  }

  private static RegistryException unknown(RepositoryName repository, Digest digest) {
    return new RegistryException(
        ErrorCode.BLOB_UNKNOWN,
        "blob " + digest + " is not known in repository " + repository,
        digest.toString());
  }
}
