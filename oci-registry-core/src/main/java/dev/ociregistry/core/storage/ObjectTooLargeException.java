package dev.ociregistry.core.storage;

import java.io.IOException;

/**
 * An object is larger than a caller allows for reading it whole: a sign of a damaged or foreign
 * file, not of failing storage.
 */
public final class ObjectTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  public ObjectTooLargeException(String key, int maxBytes) {
    super(key + " is larger than " + maxBytes + " bytes");
  }
}
