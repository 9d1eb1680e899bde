/**
 * Authentication and access control for the registry and the routes beside it: HTTP Basic
 * credentials checked against one configured user ({@link dev.ociregistry.servlet.auth.SingleUser})
 * or an htpasswd file ({@link dev.ociregistry.servlet.auth.HtpasswdFile}), cached briefly and
 * throttled on failure ({@link dev.ociregistry.servlet.auth.BasicAuthenticator}); per-repository
 * policies ({@link dev.ociregistry.servlet.auth.AccessPolicy}) applied by {@link
 * dev.ociregistry.servlet.auth.PolicyAuthorizer}.
 *
 * <p>No password, token or {@code Authorization} header is ever logged or put in a message.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.servlet.auth;
