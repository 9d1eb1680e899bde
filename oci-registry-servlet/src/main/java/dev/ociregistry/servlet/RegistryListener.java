package dev.ociregistry.servlet;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;

/**
 * The metrics and events seam: told what the servlet did. Methods run on the request thread, after
 * the work is done, and must be quick; the defaults do nothing.
 */
public interface RegistryListener {
  /**
   * A request ended, answered or failed; told once per request.
   *
   * @param event its method, route, status and duration
   */
  default void requestCompleted(RequestEvent event) {}

  /**
   * A blob was stored in a repository (upload or mount).
   *
   * @param repository the repository it is now in
   * @param digest the blob's digest
   * @param size the blob's length in bytes
   */
  default void blobPushed(RepositoryName repository, Digest digest, long size) {}

  /**
   * A manifest was stored in a repository.
   *
   * @param repository the repository it is now in
   * @param digest the manifest's digest
   */
  default void manifestPushed(RepositoryName repository, Digest digest) {}

  /**
   * A manifest was deleted from a repository.
   *
   * @param repository the repository it was deleted from
   * @param digest the manifest's digest
   */
  default void manifestDeleted(RepositoryName repository, Digest digest) {}

  /**
   * An upload to {@code repository} was refused (429) because the upload cap stayed full for longer
   * than the queue timeout.
   *
   * @param repository the repository the upload was for
   */
  default void uploadRefused(RepositoryName repository) {}

  /** {@return a listener that ignores everything} */
  static RegistryListener none() {
    return new RegistryListener() {};
  }
}
