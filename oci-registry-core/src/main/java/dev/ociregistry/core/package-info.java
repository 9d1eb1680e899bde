/**
 * The embeddable OCI registry engine: {@link dev.ociregistry.core.OciRegistry} opens a storage root
 * and exposes blobs, uploads, manifests, tags, referrers and garbage collection.
 *
 * <p>Nullness: no method in this module's packages accepts or returns {@code null} unless its
 * Javadoc says so; absent values are {@link java.util.Optional}.
 */
package dev.ociregistry.core;
