/**
 * A strict JSON reader and writer, so that core needs no third-party parser.
 *
 * <p>Nullness: JSON {@code null} is {@link dev.ociregistry.core.json.Json#NULL}; nothing here
 * accepts or returns Java {@code null} unless documented.
 */
package dev.ociregistry.core.json;
