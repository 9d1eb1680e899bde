/**
 * Integrity checks of stored content: the scrub that re-hashes blobs and quarantines the ones whose
 * content no longer matches their name.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.core.integrity;
