/**
 * The controller's logging set-up: text or JSON lines on standard output.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller.logging;
