package dev.ociregistry.core.upload;

import dev.ociregistry.core.content.BlobUpload;
import dev.ociregistry.core.model.RepositoryName;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory side of one upload: its content's upload (taken up lazily after a restart), guarded
 * by its lock.
 */
final class UploadSession {
  final String id;
  final RepositoryName repository;
  final ReentrantLock lock = new ReentrantLock();

  /**
   * Whether this process counts the upload against its caps: it opened it, or found it at start. An
   * upload another replica opened is taken up here uncounted, and its end here frees nothing.
   */
  final boolean counted;

  private volatile BlobUpload upload;
  private volatile boolean closed;

  private UploadSession(String id, RepositoryName repository, boolean counted) {
    this.id = id;
    this.repository = repository;
    this.counted = counted;
  }

  /** An upload this process opened, or found at start: counted. */
  static UploadSession of(BlobUpload upload, RepositoryName repository) {
    UploadSession session = new UploadSession(upload.id(), repository, true);
    session.upload = upload;
    return session;
  }

  /** An upload another process opened, taken up here when a request for it arrives. */
  static UploadSession openedElsewhere(String id, RepositoryName repository) {
    return new UploadSession(id, repository, false);
  }

  /** The upload, or {@code null} until it is taken up after a restart. */
  BlobUpload upload() {
    return upload;
  }

  void takeUp(BlobUpload upload) {
    this.upload = upload;
  }

  /** The bytes held after the last finished append; 0 before the upload is taken up. */
  long size() {
    BlobUpload current = upload;
    return current == null ? 0 : current.size();
  }

  boolean isClosed() {
    return closed;
  }

  void close() {
    closed = true;
  }
}
