package dev.ociregistry.core.upload;

import dev.ociregistry.core.model.RepositoryName;

/**
 * Where an upload stands.
 *
 * @param id the upload's id, in its {@code Location} and as {@code Docker-Upload-UUID}
 * @param repository the repository the upload was opened in
 * @param offset the number of bytes received so far; the next chunk starts here
 */
public record UploadStatus(String id, RepositoryName repository, long offset) {}
