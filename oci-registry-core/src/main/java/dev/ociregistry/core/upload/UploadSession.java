package dev.ociregistry.core.upload;

import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.model.RepositoryName;
import java.security.MessageDigest;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory side of one upload: its running SHA-256 and size, guarded by its lock. After a
 * restart the hash is absent until the partial data is re-hashed once.
 */
final class UploadSession {
  final String id;
  final RepositoryName repository;
  final ReentrantLock lock = new ReentrantLock();
  private MessageDigest hash;
  private volatile long size;
  private volatile boolean closed;

  UploadSession(String id, RepositoryName repository) {
    this.id = id;
    this.repository = repository;
  }

  static UploadSession fresh(String id, RepositoryName repository) {
    UploadSession session = new UploadSession(id, repository);
    session.hash = DigestAlgorithm.SHA256.newMessageDigest();
    return session;
  }

  boolean isHashed() {
    return hash != null;
  }

  void restore(MessageDigest hash, long size) {
    this.hash = hash;
    this.size = size;
  }

  MessageDigest hash() {
    return hash;
  }

  /** The bytes held; read without the lock it is the size after the last finished append. */
  long size() {
    return size;
  }

  void setSize(long size) {
    this.size = size;
  }

  boolean isClosed() {
    return closed;
  }

  void close() {
    closed = true;
  }

  MessageDigest snapshot() {
    try {
      return (MessageDigest) hash.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 cannot be cloned", e);
    }
  }
}
