package dev.ociregistry.core.content;

import java.io.IOException;

/**
 * What a pass of {@link BlobContent#removeLeftovers} asks before it removes anything: whether a
 * record still names what it found. The metadata answers.
 */
public interface LeftoverNames {
  /**
   * Whether a blob's record names the content at {@code location}.
   *
   * @param location a location the store holds content at
   * @return whether it is recorded
   * @throws IOException when the metadata fails
   */
  boolean blob(String location) throws IOException;

  /**
   * Whether upload {@code id} is in progress.
   *
   * @param id an upload's id
   * @return whether its record exists
   * @throws IOException when the metadata fails
   */
  boolean upload(String id) throws IOException;
}
