/**
 * The storage I/O seam: {@link dev.ociregistry.core.storage.StorageDriver} and its filesystem
 * implementation.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.core.storage;
