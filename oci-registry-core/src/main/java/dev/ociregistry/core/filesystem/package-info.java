/**
 * The registry on a local filesystem: blob content and metadata kept as an OCI Image Layout, the
 * default for one process and the root that {@code skopeo}, {@code umoci} and {@code oras
 * --oci-layout} read directly.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md">
 *     image-spec: image layout</a>
 */
package dev.ociregistry.core.filesystem;
