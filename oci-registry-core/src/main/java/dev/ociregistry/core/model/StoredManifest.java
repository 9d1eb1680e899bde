package dev.ociregistry.core.model;

import dev.ociregistry.core.digest.Digest;

/**
 * A manifest as stored: its digest, media type and size, and on GET its exact bytes.
 *
 * @param content the bytes as pushed; empty for a {@code stat}
 */
public record StoredManifest(Digest digest, String mediaType, long size, byte[] content) {}
