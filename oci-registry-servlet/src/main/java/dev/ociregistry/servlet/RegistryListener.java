package dev.ociregistry.servlet;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;

/**
 * The metrics and events seam: told what the servlet did. Methods run on the request thread, after
 * the work is done, and must be quick; the defaults do nothing.
 */
public interface RegistryListener {
  /** A request ended. */
  default void requestCompleted(RequestEvent event) {}

  /** A blob was stored in a repository (upload or mount). */
  default void blobPushed(RepositoryName repository, Digest digest, long size) {}

  /** A manifest was stored in a repository. */
  default void manifestPushed(RepositoryName repository, Digest digest) {}

  /** A manifest was deleted from a repository. */
  default void manifestDeleted(RepositoryName repository, Digest digest) {}

  /**
   * An upload to {@code repository} was refused (429) because the upload cap stayed full for longer
   * than the queue timeout.
   */
  default void uploadRefused(RepositoryName repository) {}

  /** A listener that ignores everything. */
  static RegistryListener none() {
    return new RegistryListener() {};
  }
}
