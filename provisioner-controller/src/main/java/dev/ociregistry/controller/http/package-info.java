/**
 * The controller's HTTP server: how Jetty is assembled (connectors, thread pool, handlers and their
 * limits) and how it answers the errors it raises itself, before any servlet sees the request.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller.http;
