/**
 * The controller's configuration from environment variables.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller.config;
