/**
 * The blob content SPI: where the bytes of blobs live (a filesystem, an object store), apart from
 * what the registry knows about them (tags, links, ages), which is metadata.
 *
 * <p>Content is immutable and addressed by a location the implementation chooses: a put or an
 * upload is staged, verified against its digest and only then committed, so no reader ever sees
 * partial or unverified content. An upload's state is opaque bytes that the caller keeps between
 * appends, so that the next append may run in another process.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md#blobs">
 *     image-spec: blobs</a>
 */
package dev.ociregistry.core.content;
