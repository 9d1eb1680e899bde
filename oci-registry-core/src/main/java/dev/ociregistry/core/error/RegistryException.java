package dev.ociregistry.core.error;

/**
 * A failure a client caused or can act on, carrying the distribution-spec {@link ErrorCode} the
 * HTTP layer answers with. The message is meant for the client and never holds secrets.
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The spec error code, which also gives the HTTP status. */
  private final ErrorCode code;

  /** The error body's {@code detail}, or null. */
  private final String detail;

  /**
   * A failure with no {@code detail}.
   *
   * @param code the spec error code, which also gives the HTTP status
   * @param message the error body's {@code message}: for the client, so no secrets
   */
  public RegistryException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /**
   * A failure with a {@code detail} for the error body.
   *
   * @param code the spec error code, which also gives the HTTP status
   * @param message the error body's {@code message}: for the client, so no secrets
   * @param detail an extra, machine-oriented fact for the error body's {@code detail}, or null; for
   *     {@link ErrorCode#UNSUPPORTED} the servlet also sends it as the {@code Allow} header
   */
  public RegistryException(ErrorCode code, String message, String detail) {
    super(message);
    this.code = code;
    this.detail = detail;
  }

  /** {@return the spec error code the HTTP layer answers with} */
  public ErrorCode code() {
    return code;
  }

  /** {@return the detail for the error body, or null when there is none} */
  public String detail() {
    return detail;
  }
}
