/**
 * Registry metadata and cross-replica coordination in PostgreSQL, so that several registry replicas
 * share one registry: tags, links, blob records with their ages, pins and upload sessions in
 * tables, per-digest locks as advisory locks.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 *
 * @see <a href="https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS">
 *     PostgreSQL: advisory locks</a>
 */
package dev.ociregistry.postgres;
