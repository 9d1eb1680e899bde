/**
 * What machines being provisioned download: static media files.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller.media;
