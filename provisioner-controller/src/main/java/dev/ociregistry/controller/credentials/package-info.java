/**
 * Job-scoped pull credentials: what a machine being provisioned logs in with instead of a user's
 * password ({@link dev.ociregistry.controller.credentials.JobTokens}), valid only while its job is
 * active ({@link dev.ociregistry.controller.credentials.ActiveJobs}).
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller.credentials;
