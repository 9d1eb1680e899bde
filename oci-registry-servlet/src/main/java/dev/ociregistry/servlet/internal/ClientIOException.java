package dev.ociregistry.servlet.internal;

import java.io.IOException;

/**
 * An I/O failure on the client's side of a request: its body broke off, took too long, or the
 * response could not be delivered. Anything else that fails with an {@link IOException} is the
 * server's storage, which the servlet reports and logs differently.
 */
public final class ClientIOException extends IOException {
  private static final long serialVersionUID = 1L;

  public ClientIOException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code failure}, or anything that caused it, happened on the client's side. */
  public static boolean isClientSide(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ClientIOException) {
        return true;
      }
    }
    return false;
  }
}
