package dev.ociregistry.core.metadata;

import dev.ociregistry.core.digest.Digest;
import java.time.Instant;

/**
 * A stored blob: where its content is and when it was last referenced (written, mounted, checked
 * with a HEAD or named by a pushed manifest), the time garbage collection counts its age from.
 *
 * @param digest the blob's digest
 * @param size its length in bytes
 * @param location where the blob content store keeps it
 * @param lastReferenced when it was last referenced
 */
public record BlobRecord(Digest digest, long size, String location, Instant lastReferenced) {}
