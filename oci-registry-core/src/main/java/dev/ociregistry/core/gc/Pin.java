package dev.ociregistry.core.gc;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;

/** A digest the host keeps alive in a repository until it unpins it, e.g. for a running job. */
public record Pin(String id, RepositoryName repository, Digest digest) {}
