package dev.ociregistry.core.storage;

import java.time.Instant;

/**
 * What the storage knows of a stored object.
 *
 * @param size the object's length in bytes
 * @param lastModified when the object was last written or {@linkplain StorageDriver#touch touched}
 */
public record ObjectInfo(long size, Instant lastModified) {}
