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
  private volatile BlobUpload upload;
  private volatile boolean closed;

  UploadSession(String id, RepositoryName repository) {
    this.id = id;
    this.repository = repository;
  }

  static UploadSession of(BlobUpload upload, RepositoryName repository) {
    UploadSession session = new UploadSession(upload.id(), repository);
    session.upload = upload;
    return session;
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
