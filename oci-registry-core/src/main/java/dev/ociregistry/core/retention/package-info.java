/**
 * Retention: rules per repository glob that keep the newest tags, drop old ones and always keep
 * some ({@link dev.ociregistry.core.retention.RetentionPolicy}), applied by {@link
 * dev.ociregistry.core.retention.Retention}. Removing a tag starts its manifest's untagged age;
 * garbage collection frees the content later.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.core.retention;
