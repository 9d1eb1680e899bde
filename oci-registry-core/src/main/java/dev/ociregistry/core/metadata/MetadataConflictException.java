package dev.ociregistry.core.metadata;

import java.io.IOException;

/** An atomic write whose condition did not hold (a tag that may not move names another digest). */
public final class MetadataConflictException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what did not hold
   */
  public MetadataConflictException(String message) {
    super(message);
  }
}
