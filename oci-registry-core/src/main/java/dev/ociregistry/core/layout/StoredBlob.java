package dev.ociregistry.core.layout;

import dev.ociregistry.core.digest.Digest;

/** A blob as stored: its digest and size in bytes. */
public record StoredBlob(Digest digest, long size) {}
