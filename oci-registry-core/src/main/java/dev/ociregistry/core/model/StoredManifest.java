package dev.ociregistry.core.model;

import dev.ociregistry.core.digest.Digest;

/**
 * A manifest as stored: its digest, media type and size, and on GET its exact bytes.
 *
 * @param digest the digest of the bytes as pushed
 * @param mediaType the manifest's media type, as the {@code Content-Type} of a GET or HEAD
 * @param size the length of the bytes as pushed, in bytes (also for a {@code stat})
 * @param content the bytes as pushed, not copied (do not change them); empty for a {@code stat}
 */
public record StoredManifest(Digest digest, String mediaType, long size, byte[] content) {}
