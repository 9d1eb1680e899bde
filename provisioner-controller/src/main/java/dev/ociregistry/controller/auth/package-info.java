/**
 * Who may use the controller: the users and policy the configuration names ({@link
 * dev.ociregistry.controller.auth.AccessControl}), applied to {@code /v2} through the registry
 * servlet's authorizer and to {@code /api/v1}, {@code /media}, {@code /admin} and {@code /metrics}
 * by {@link dev.ociregistry.controller.auth.AccessFilter}.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller.auth;
