/**
 * Content digests: parsing, computing and streaming verification.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.core.digest;
