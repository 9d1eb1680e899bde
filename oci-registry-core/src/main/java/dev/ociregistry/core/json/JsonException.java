package dev.ociregistry.core.json;

/** Malformed JSON, or JSON of the wrong shape; the message says where. */
public class JsonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JsonException(String message) {
    super(message);
  }
}
