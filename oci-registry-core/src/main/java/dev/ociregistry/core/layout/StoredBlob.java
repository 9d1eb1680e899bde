package dev.ociregistry.core.layout;

import dev.ociregistry.core.digest.Digest;

/**
 * A blob as stored: its digest and size in bytes.
 *
 * @param digest the blob's digest, which is also its name under {@code blobs/}
 * @param size the blob's length in bytes, the {@code Content-Length} of a full GET
 */
public record StoredBlob(Digest digest, long size) {}
