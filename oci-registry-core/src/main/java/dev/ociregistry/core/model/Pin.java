package dev.ociregistry.core.model;

import dev.ociregistry.core.digest.Digest;

/**
 * A digest the host keeps alive in a repository until it unpins it, e.g. for a running job.
 *
 * @param id the host's name for the pin, {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}; one pin per id
 * @param repository the repository the digest is kept in
 * @param digest the pinned manifest or blob
 */
public record Pin(String id, RepositoryName repository, Digest digest) {}
