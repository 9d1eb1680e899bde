/**
 * The audit log: one JSON line per push, manifest pull, delete, tag move, GC run, job credential
 * issued or revoked, and refused request ({@link dev.ociregistry.controller.audit.AuditLog}), fed
 * by the request filter {@link dev.ociregistry.controller.audit.AuditFilter} and by the parts of
 * the controller that act on their own (GC, jobs).
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller.audit;
