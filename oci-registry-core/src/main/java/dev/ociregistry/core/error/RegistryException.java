package dev.ociregistry.core.error;

/**
 * A failure a client caused or can act on, carrying the distribution-spec {@link ErrorCode} the
 * HTTP layer answers with. The message is meant for the client and never holds secrets.
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String detail;

  public RegistryException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /**
   * @param detail an extra, machine-oriented fact for the error body's {@code detail}, or null
   */
  public RegistryException(ErrorCode code, String message, String detail) {
    super(message);
    this.code = code;
    this.detail = detail;
  }

  public ErrorCode code() {
    return code;
  }

  /** The detail for the error body, or null when there is none. */
  public String detail() {
    return detail;
  }
}
