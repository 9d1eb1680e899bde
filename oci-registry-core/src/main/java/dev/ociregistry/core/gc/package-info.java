/**
 * Online garbage collection with a grace period, and the pins that keep digests alive.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.core.gc;
