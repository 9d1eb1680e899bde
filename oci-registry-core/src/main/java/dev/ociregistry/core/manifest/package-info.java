/**
 * Manifests: strict parsing, push with reference checks, get, delete, and referrers.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.core.manifest;
