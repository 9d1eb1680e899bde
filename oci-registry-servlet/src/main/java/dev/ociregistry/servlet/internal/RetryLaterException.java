package dev.ociregistry.servlet.internal;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.time.Duration;

/**
 * A request refused for now with {@link ErrorCode#TOOMANYREQUESTS} (429): the answer carries {@code
 * Retry-After} with how long the client should wait.
 */
public final class RetryLaterException extends RegistryException {
  private static final long serialVersionUID = 1L;

  private final long retryAfterSeconds;

  public RetryLaterException(String message, Duration retryAfter) {
    super(ErrorCode.TOOMANYREQUESTS, message);
    this.retryAfterSeconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }

  /** How long the client should wait, in whole seconds, at least one. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
