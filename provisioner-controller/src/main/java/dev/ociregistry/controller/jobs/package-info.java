/**
 * Scheduled work: garbage collection and upload expiry.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller.jobs;
