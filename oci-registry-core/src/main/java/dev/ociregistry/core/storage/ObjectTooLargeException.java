package dev.ociregistry.core.storage;

import java.io.IOException;

/**
 * An object is larger than a caller allows for reading it whole: a sign of a damaged or foreign
 * file, not of failing storage.
 */
public final class ObjectTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * The object at {@code key} is over the caller's limit.
   *
   * @param key the object's key, named in the message
   * @param maxBytes the limit it exceeds, in bytes
   */
  public ObjectTooLargeException(String key, int maxBytes) {
    super(key + " is larger than " + maxBytes + " bytes");
  }
}
