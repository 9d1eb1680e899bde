package dev.ociregistry.controller.credentials;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;
import java.util.Optional;
import java.util.UUID;

/** The jobs whose credentials hold: those not yet ended, with the artifact each pinned. */
public interface ActiveJobs {
  /** What job {@code id} pinned, while it is active and pinned something in this registry. */
  Optional<PinnedArtifact> pinnedArtifact(UUID id);

  /** A job's artifact in this registry: its repository and the manifest digest it pinned. */
  record PinnedArtifact(RepositoryName repository, Digest digest) {}
}
