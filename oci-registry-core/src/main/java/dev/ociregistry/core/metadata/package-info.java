/**
 * The metadata SPI: everything the registry knows besides blob content (tags, which manifests and
 * blobs each repository holds, blob records with their ages), each write atomic, so that replicas
 * sharing one metadata store see one registry.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md">
 *     distribution-spec</a>
 */
package dev.ociregistry.core.metadata;
