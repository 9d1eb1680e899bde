package dev.ociregistry.core.metadata;

import dev.ociregistry.core.model.RepositoryName;
import java.time.Instant;

/**
 * An upload in progress, as every replica sees it.
 *
 * @param id the upload's id
 * @param repository the repository it was opened in, the only one where it is known
 * @param lastActivity when it last received data (or was opened); expiry counts from it
 * @param state the content store's state after the last finished append ({@code
 *     BlobUpload#state()}), empty when that store keeps none
 */
public record UploadRecord(
    String id, RepositoryName repository, Instant lastActivity, byte[] state) {
  /**
   * Copies {@code state}, so the record cannot change under its reader.
   *
   * @param id the upload's id
   * @param repository the repository it was opened in
   * @param lastActivity when it last received data
   * @param state the content store's state
   */
  public UploadRecord {
    state = state.clone();
  }

  /**
   * The content store's state.
   *
   * @return a copy of it
   */
  @Override
  public byte[] state() {
    return state.clone();
  }
}
