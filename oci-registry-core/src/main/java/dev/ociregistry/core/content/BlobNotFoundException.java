package dev.ociregistry.core.content;

import java.io.IOException;

/** Nothing is stored at a location, or an upload is gone. */
public final class BlobNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param what the location or upload that is not there
   */
  public BlobNotFoundException(String what) {
    super(what + " is not stored");
  }
}
