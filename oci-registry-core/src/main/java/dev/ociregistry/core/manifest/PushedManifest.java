package dev.ociregistry.core.manifest;

import dev.ociregistry.core.digest.Digest;
import java.util.Optional;

/**
 * The result of a manifest push.
 *
 * @param digest the manifest's digest (answered as {@code Docker-Content-Digest})
 * @param subject the subject when the manifest is a referrer (answered as {@code OCI-Subject})
 */
public record PushedManifest(Digest digest, Optional<Digest> subject) {}
