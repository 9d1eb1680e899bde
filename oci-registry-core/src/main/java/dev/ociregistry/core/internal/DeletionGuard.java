package dev.ociregistry.core.internal;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.RepositoryName;
import java.io.IOException;
import java.util.Optional;

/**
 * Says why a manifest or blob must not be deleted from a repository right now, e.g. because a
 * provisioning job pinned it.
 */
@FunctionalInterface
public interface DeletionGuard {
  /**
   * Says whether {@code digest} must stay in {@code repository}.
   *
   * @param repository the repository it would be deleted from
   * @param digest the manifest or blob
   * @return the reason to keep it, for the client's message, or empty when it may go
   * @throws IOException when the storage fails
   */
  Optional<String> reasonToKeep(RepositoryName repository, Digest digest) throws IOException;

  /**
   * Refuses the deletion when there is a reason to keep {@code digest}.
   *
   * @param repository the repository it would be deleted from
   * @param digest the manifest or blob
   * @param what what is being deleted, for the message: {@code manifest} or {@code blob}
   * @throws RegistryException {@link ErrorCode#DENIED} giving the reason
   * @throws IOException when the storage fails
   */
  default void check(RepositoryName repository, Digest digest, String what) throws IOException {
    Optional<String> keep = reasonToKeep(repository, digest);
    if (keep.isPresent()) {
      throw new RegistryException(
          ErrorCode.DENIED,
          what + " " + digest + " cannot be deleted: " + keep.get(),
          digest.toString());
    }
  }
}
