/**
 * Value types of the distribution-spec and image-spec: names, tags, references, descriptors. Each
 * has a strict factory; an instance is always valid.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.core.model;
