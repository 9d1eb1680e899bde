package dev.ociregistry.servlet;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.time.Duration;

/**
 * A request refused for now with {@link ErrorCode#TOOMANYREQUESTS} (429): the answer carries {@code
 * Retry-After} with how long the client should wait. Thrown by the servlet's own limits and by
 * {@link dev.ociregistry.servlet.auth.BasicAuthenticator} when a client failed to log in too often;
 * a host's {@link RegistryAuthorizer} may throw it too.
 */
public final class RetryLaterException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** How long the client should wait, in whole seconds, at least one. */
  private final long retryAfterSeconds;

  /**
   * @param message what the client is told, without secrets
   * @param retryAfter how long to wait; rounded up to whole seconds, at least one
   */
  public RetryLaterException(String message, Duration retryAfter) {
    super(ErrorCode.TOOMANYREQUESTS, message);
    this.retryAfterSeconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }

  /** {@return how long the client should wait, in whole seconds, at least one} */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
