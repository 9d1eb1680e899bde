/**
 * Chunked, resumable blob uploads.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.core.upload;
