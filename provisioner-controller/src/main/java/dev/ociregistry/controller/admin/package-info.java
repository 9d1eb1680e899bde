/**
 * Operations endpoints: {@code POST /admin/gc}, health, readiness and Prometheus metrics.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller.admin;
