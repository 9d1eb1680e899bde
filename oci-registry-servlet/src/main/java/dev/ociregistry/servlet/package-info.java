/**
 * The OCI Distribution API as a Jakarta Servlet: {@link dev.ociregistry.servlet.OciRegistryServlet}
 * and its seams for access control ({@link dev.ociregistry.servlet.RegistryAuthorizer}) and metrics
 * ({@link dev.ociregistry.servlet.RegistryListener}).
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.servlet;
