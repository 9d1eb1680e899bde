/**
 * The OCI Image Layout on storage: where things live, blobs, tags, {@code index.json}, the catalog
 * and the locks that keep concurrent writers and the garbage collector apart.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.core.layout;
