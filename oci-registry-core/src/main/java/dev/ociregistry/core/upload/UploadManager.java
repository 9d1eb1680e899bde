package dev.ociregistry.core.upload;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.content.BlobNotFoundException;
import dev.ociregistry.core.content.BlobUpload;
import dev.ociregistry.core.content.DigestMismatchException;
import dev.ociregistry.core.content.SizeMismatchException;
import dev.ociregistry.core.content.StagedBlob;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.layout.BlobStore;
import dev.ociregistry.core.layout.StoredBlob;
import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.metadata.UploadRecord;
import dev.ociregistry.core.model.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Chunked, resumable blob uploads. Data goes to the {@link BlobContent} (on the filesystem {@code
 * uploads/<id>/data}, through a few fixed buffers while a running SHA-256 follows it, so completing
 * an upload costs a rename, not a second read); the session is a record of the {@link
 * RegistryMetadata} (on the filesystem {@code uploads/<id>/state}) holding the content's state
 * after its last append, so that after a restart, or on another replica, the upload goes on from
 * there. A chunk that does not start at the current offset, or whose length differs from what was
 * declared, changes nothing.
 *
 * <p>Safe for concurrent use. One request at a time writes to an upload; another that wants it
 * waits briefly, then is refused with {@link ErrorCode#TOOMANYREQUESTS}. An upload id belongs to
 * the repository it was opened in: asked for from another, it is unknown.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-a-blob-in-chunks">
 *     distribution-spec: pushing a blob in chunks</a>
 */
public final class UploadManager {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");

  /**
   * How long a request waits for an upload another request is writing to; then it is refused, as it
   * would otherwise hold its upload slot for as long as the other request's client takes.
   */
  static final Duration BUSY_WAIT = Duration.ofMillis(200);

  private final RegistryMetadata metadata;
  private final Coordination coordination;
  private final BlobContent content;
  private final BlobStore blobs;
  private final Duration timeout;
  private final Map<String, UploadSession> sessions = new ConcurrentHashMap<>();
  private final OpenUploads open;

  /**
   * Uploads recorded in {@code metadata}; the registry builds one as it opens and then calls {@link
   * #recover}.
   *
   * @param metadata where upload sessions are recorded
   * @param coordination the locks that keep one request at a time on an upload, across replicas
   * @param content where upload data is kept
   * @param blobs where a completed upload is published
   * @param timeout how long an upload may receive nothing before {@link #expireStale} cancels it
   * @param maxOpen how many uploads may be open at once in total
   * @param maxOpenPerRepository how many may be open at once in one repository
   */
  public UploadManager(
      RegistryMetadata metadata,
      Coordination coordination,
      BlobContent content,
      BlobStore blobs,
      Duration timeout,
      int maxOpen,
      int maxOpenPerRepository) {
    this.metadata = metadata;
    this.coordination = coordination;
    this.content = content;
    this.blobs = blobs;
    this.timeout = timeout;
    this.open = new OpenUploads(maxOpen, maxOpenPerRepository);
  }

  /**
   * Opens an upload session in {@code repository}.
   *
   * @param repository the repository the blob will be published in
   * @return the new upload, with a fresh id and offset 0
   * @throws RegistryException {@link ErrorCode#TOOMANYREQUESTS} when the registry or the repository
   *     has as many uploads open as it allows
   * @throws IOException when the storage fails
   */
  public UploadStatus start(RepositoryName repository) throws IOException {
    open.open(repository);
    try {
      return create(repository);
    } catch (IOException | RuntimeException e) {
      open.closed(repository);
      throw e;
    }
  }

  /**
   * {@return the bytes the open uploads hold, as of their last finished appends}; sums what is in
   * memory, reads no storage
   */
  public long openBytes() {
    long bytes = 0;
    for (UploadSession session : sessions.values()) {
      bytes += session.size();
    }
    return bytes;
  }

  /** {@return how many uploads are open}, those found at start included */
  public int openCount() {
    return open.total();
  }

  private UploadStatus create(RepositoryName repository) throws IOException {
    String id = UUID.randomUUID().toString();
    BlobUpload upload = content.beginUpload(id);
    try {
      metadata.createUpload(id, repository, upload.state());
    } catch (IOException | RuntimeException e) {
      try {
        upload.abort();
      } catch (IOException | RuntimeException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e;
    }
    sessions.put(id, UploadSession.of(upload, repository));
    return new UploadStatus(id, repository, 0);
  }

  /**
   * Where an upload stands. While a chunk is streaming in, answers the offset before it rather than
   * wait for the client.
   *
   * @param repository the repository the upload was opened in
   * @param id the upload's id, as the client sent it
   * @return the upload's offset
   * @throws RegistryException {@link ErrorCode#BLOB_UPLOAD_UNKNOWN} when there is no such upload
   * @throws IOException when the storage fails
   */
  public UploadStatus status(RepositoryName repository, String id) throws IOException {
    UploadSession session = session(repository, id);
    if (!session.lock.tryLock()) {
      // A chunk is streaming in: answer the offset before it rather than wait for a slow client.
      ensureOpen(session);
      if (session.upload() != null) {
        return new UploadStatus(id, repository, session.size());
      }
      session.lock.lock();
    }
    try {
      ensureOpen(session);
      return new UploadStatus(id, repository, upload(session).size());
    } finally {
      session.lock.unlock();
    }
  }

  /**
   * Appends a chunk.
   *
   * @param repository the repository the upload was opened in
   * @param id the upload's id, as the client sent it
   * @param start where the client says the chunk starts, or a negative number when it did not say
   * @param length the chunk length the client declared, or a negative number when unknown
   * @param chunk read to its end, or one byte past {@code length}; not closed
   * @return the upload's new offset
   * @throws RegistryException {@link ErrorCode#BLOB_UPLOAD_RANGE_INVALID} when {@code start} is not
   *     the current offset, {@link ErrorCode#SIZE_INVALID} when the body is not {@code length}
   *     bytes; the upload is unchanged then. {@link ErrorCode#BLOB_UPLOAD_UNKNOWN} when there is no
   *     such upload, {@link ErrorCode#TOOMANYREQUESTS} when another request is writing to it
   * @throws IOException when reading {@code chunk} fails (what arrived is kept, to resume from) or
   *     the storage fails (the chunk is dropped)
   */
  public UploadStatus append(
      RepositoryName repository, String id, long start, long length, InputStream chunk)
      throws IOException {
    UploadSession session = session(repository, id);
    try (Coordination.Held writing = lockOrRefuse(session)) {
      ensureOpen(session);
      appendLocked(session, start, length, chunk);
      return new UploadStatus(id, repository, session.size());
    }
  }

  /**
   * Closes an upload: appends the final chunk when there is one, verifies the digest and publishes
   * the blob. A digest that does not match cancels the upload.
   *
   * @param repository the repository the upload was opened in, where the blob is published
   * @param id the upload's id, as the client sent it
   * @param digest the digest the whole content must have
   * @param start as for {@link #append}, for {@code finalChunk}
   * @param length as for {@link #append}, for {@code finalChunk}
   * @param finalChunk the last bytes, or null when the body is empty
   * @return the published blob
   * @throws RegistryException {@link ErrorCode#DIGEST_INVALID} when the content does not match; as
   *     {@link #append} for the final chunk and an unknown or busy upload
   * @throws IOException as {@link #append}, or when publishing fails
   */
  public StoredBlob complete(
      RepositoryName repository,
      String id,
      Digest digest,
      long start,
      long length,
      InputStream finalChunk)
      throws IOException {
    UploadSession session = session(repository, id);
    try (Coordination.Held writing = lockOrRefuse(session)) {
      ensureOpen(session);
      if (finalChunk != null) {
        appendLocked(session, start, length, finalChunk);
      }
      StagedBlob staged;
      try {
        staged = upload(session).complete(digest);
      } catch (DigestMismatchException e) {
        discard(session);
        throw new RegistryException(
            ErrorCode.DIGEST_INVALID,
            "uploaded content has digest " + e.actual() + ", not " + digest,
            digest.toString());
      }
      StoredBlob blob = blobs.publish(staged, repository);
      forget(session);
      return blob;
    }
  }

  /**
   * Cancels an upload and frees its data.
   *
   * @param repository the repository the upload was opened in
   * @param id the upload's id, as the client sent it
   * @throws RegistryException {@link ErrorCode#BLOB_UPLOAD_UNKNOWN} when there is no such upload,
   *     {@link ErrorCode#TOOMANYREQUESTS} when another request is writing to it
   * @throws IOException when the storage fails
   */
  public void cancel(RepositoryName repository, String id) throws IOException {
    UploadSession session = session(repository, id);
    try (Coordination.Held writing = lockOrRefuse(session)) {
      ensureOpen(session);
      discard(session);
    }
  }

  /**
   * Cancels every upload that has received nothing for longer than the upload timeout. An upload
   * busy receiving data is never expired. Then forgets the uploads this process knew that another
   * replica has completed or cancelled since, freeing their places under this process's caps.
   *
   * @return how many uploads were expired
   * @throws IOException when the storage fails
   */
  public int expireStale() throws IOException {
    Instant cutoff = Instant.now().minus(timeout);
    int expired = 0;
    List<String> recorded = metadata.uploads();
    for (String id : recorded) {
      Optional<UploadRecord> record = metadata.upload(id);
      if (record.isEmpty() || record.get().lastActivity().isAfter(cutoff)) {
        continue;
      }
      UploadSession session =
          sessions.computeIfAbsent(
              id, key -> UploadSession.openedElsewhere(key, record.get().repository()));
      if (!session.lock.tryLock()) {
        continue;
      }
      try {
        // A request on another replica may be streaming into it: its lock says so.
        Optional<Coordination.Held> everywhere = coordination.tryLockUpload(id, Duration.ZERO);
        if (everywhere.isEmpty()) {
          continue;
        }
        try (Coordination.Held writing = everywhere.get()) {
          if (!session.isClosed() && !lastActivity(id).isAfter(cutoff)) {
            discard(session);
            expired++;
          }
        }
      } finally {
        session.lock.unlock();
      }
    }
    dropSessionsEndedElsewhere(new HashSet<>(recorded));
    return expired;
  }

  /**
   * Drops the sessions of uploads another replica completed or cancelled: their records are gone,
   * and so would be this process's place for them under its caps, and the memory they hold. What
   * the upload wrote belongs to its blob now, or went with the cancel: nothing of it is touched.
   * Only a session the pass's listing left out has its record read again, under its lock: one
   * opened since the listing has a record by now.
   */
  private void dropSessionsEndedElsewhere(Set<String> recorded) throws IOException {
    for (UploadSession session : sessions.values()) {
      if (recorded.contains(session.id) || session.isClosed() || !session.lock.tryLock()) {
        continue;
      }
      try {
        if (!session.isClosed() && metadata.upload(session.id).isEmpty()) {
          session.close();
          sessions.remove(session.id, session);
          if (session.counted) {
            open.closed(session.repository);
          }
        }
      } finally {
        session.lock.unlock();
      }
    }
  }

  /**
   * Counts the uploads that go on after a restart, each taken up where its last append left it. The
   * registry calls it once as it opens, before any request; an upload whose data is gone is
   * removed.
   *
   * @throws IOException when the storage fails
   */
  public void recover() throws IOException {
    for (String id : metadata.uploads()) {
      Optional<UploadRecord> record = metadata.upload(id);
      if (record.isEmpty()) {
        continue;
      }
      BlobUpload upload;
      try {
        upload = content.resumeUpload(id, record.get().state());
      } catch (BlobNotFoundException e) {
        metadata.deleteUpload(id);
        continue;
      }
      open.found(record.get().repository());
      sessions.putIfAbsent(id, UploadSession.of(upload, record.get().repository()));
    }
  }

  /**
   * Lists the uploads in progress.
   *
   * @return their ids, unordered
   * @throws IOException when the storage fails
   */
  public List<String> ids() throws IOException {
    return new ArrayList<>(metadata.uploads());
  }

  private void appendLocked(UploadSession session, long start, long length, InputStream chunk)
      throws IOException {
    BlobUpload upload = upload(session);
    long current = upload.size();
    if (start >= 0 && start != current) {
      throw new RegistryException(
          ErrorCode.BLOB_UPLOAD_RANGE_INVALID,
          "chunk starts at " + start + " but the upload holds " + current + " bytes",
          "0-" + Math.max(current - 1, 0));
    }
    try {
      upload.append(chunk, length);
    } catch (SizeMismatchException e) {
      RegistryException wrongSize =
          new RegistryException(
              ErrorCode.SIZE_INVALID,
              "chunk was declared as "
                  + length
                  + " bytes but "
                  + (e.actual() > length ? "more" : e.actual())
                  + " arrived");
      for (Throwable cutBackFailure : e.getSuppressed()) {
        wrongSize.addSuppressed(cutBackFailure);
      }
      throw wrongSize;
    } catch (IOException | RuntimeException e) {
      if (upload.size() != current) {
        // What arrived before the failure was kept: the next request, on any replica, goes on
        // from there.
        try {
          metadata.updateUpload(session.id, upload.state());
        } catch (IOException | RuntimeException recordFailure) {
          e.addSuppressed(recordFailure);
        }
      }
      throw e;
    }
    metadata.updateUpload(session.id, upload.state());
  }

  /**
   * The session's upload as the metadata records it: taken up again from the recorded state when
   * this process has none or an older one (another replica appended since), so that no process ever
   * goes on from a state that is not the last.
   */
  private BlobUpload upload(UploadSession session) throws IOException {
    Optional<UploadRecord> record = metadata.upload(session.id);
    if (record.isEmpty()) {
      throw unknown(session.id);
    }
    BlobUpload upload = session.upload();
    if (upload == null || !Arrays.equals(upload.state(), record.get().state())) {
      try {
        upload = content.resumeUpload(session.id, record.get().state());
      } catch (BlobNotFoundException e) {
        throw unknown(session.id);
      }
      session.takeUp(upload);
    }
    return upload;
  }

  /** Cancels the upload: its content is aborted, then its state goes. */
  private void discard(UploadSession session) throws IOException {
    session.close();
    try {
      upload(session).abort();
    } catch (BlobNotFoundException | RegistryException e) {
      // Its data or its record is gone already; what is left goes below.
    }
    forget(session);
  }

  /** Removes what is left of a closed or completed upload. */
  private void forget(UploadSession session) throws IOException {
    session.close();
    // The record goes first: while it exists, the closed session stays mapped and answers
    // "unknown".
    metadata.deleteUpload(session.id);
    sessions.remove(session.id, session);
    if (session.counted) {
      open.closed(session.repository);
    }
  }

  /**
   * Takes the session's lock, waiting at most {@link #BUSY_WAIT} for a request writing to it.
   *
   * @throws RegistryException {@link ErrorCode#TOOMANYREQUESTS} when another request holds it
   */
  private Coordination.Held lockOrRefuse(UploadSession session) throws IOException {
    boolean locked;
    try {
      locked = session.lock.tryLock(BUSY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      locked = false;
    }
    if (!locked) {
      throw busy(session);
    }
    Optional<Coordination.Held> everywhere;
    try {
      everywhere = coordination.tryLockUpload(session.id, BUSY_WAIT);
    } catch (IOException | RuntimeException e) {
      session.lock.unlock();
      throw e;
    }
    if (everywhere.isEmpty()) {
      session.lock.unlock();
      throw busy(session);
    }
    return () -> {
      try {
        everywhere.get().close();
      } finally {
        session.lock.unlock();
      }
    };
  }

  private static RegistryException busy(UploadSession session) {
    return new RegistryException(
        ErrorCode.TOOMANYREQUESTS,
        "another request is writing to upload " + session.id + "; retry when it is done");
  }

  private UploadSession session(RepositoryName repository, String id) throws IOException {
    if (id == null || !ID.matcher(id).matches()) {
      throw unknown(id);
    }
    UploadSession session = sessions.get(id);
    if (session == null) {
      Optional<UploadRecord> record = metadata.upload(id);
      if (record.isEmpty()) {
        throw unknown(id);
      }
      session =
          sessions.computeIfAbsent(
              id, key -> UploadSession.openedElsewhere(key, record.get().repository()));
    }
    if (!session.repository.equals(repository)) {
      throw unknown(id);
    }
    return session;
  }

  private void ensureOpen(UploadSession session) {
    if (session.isClosed()) {
      throw unknown(session.id);
    }
  }

  private Instant lastActivity(String id) throws IOException {
    return metadata.upload(id).map(UploadRecord::lastActivity).orElse(Instant.EPOCH);
  }

  private static RegistryException unknown(String id) {
    return new RegistryException(
        ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " is not known", String.valueOf(id));
  }
}
