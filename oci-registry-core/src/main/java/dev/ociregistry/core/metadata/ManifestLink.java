package dev.ociregistry.core.metadata;

import dev.ociregistry.core.digest.Digest;
import java.time.Instant;

/**
 * A manifest as held by one repository.
 *
 * @param digest the manifest's digest
 * @param mediaType the media type it was pushed with
 * @param lastReferenced when it was pushed, pinned, named by a pushed index or left by a tag: the
 *     time an untagged manifest's grace period counts from
 */
public record ManifestLink(Digest digest, String mediaType, Instant lastReferenced) {}
