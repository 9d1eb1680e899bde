package dev.ociregistry.core.layout;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;
import java.io.IOException;
import java.util.Optional;

/**
 * Says why a manifest or blob must not be deleted from a repository right now, e.g. because a
 * provisioning job pinned it.
 */
@FunctionalInterface
public interface DeletionGuard {
  /** The reason to keep {@code digest} in {@code repository}, or empty when it may go. */
  Optional<String> reasonToKeep(RepositoryName repository, Digest digest) throws IOException;

  /** A guard that keeps nothing. */
  static DeletionGuard none() {
    return (repository, digest) -> Optional.empty();
  }
}
