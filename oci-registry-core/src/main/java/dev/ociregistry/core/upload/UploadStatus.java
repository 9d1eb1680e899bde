package dev.ociregistry.core.upload;

import dev.ociregistry.core.model.RepositoryName;

/**
 * Where an upload stands.
 *
 * @param offset the number of bytes received so far; the next chunk starts here
 */
public record UploadStatus(String id, RepositoryName repository, long offset) {}
