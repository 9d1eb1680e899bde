package dev.ociregistry.servlet.auth;

/**
 * Told what {@link BasicAuthenticator} refused: the seam for metrics. Methods run on the request
 * thread and must be quick; they are never given a credential.
 */
public interface AuthenticationEvents {
  /** Credentials were refused: malformed, or a wrong user name or password. */
  default void failed() {}

  /** An attempt was refused unchecked, as its client or user name had failed too often. */
  default void throttled() {}

  /** {@return events that go nowhere} */
  static AuthenticationEvents none() {
    return new AuthenticationEvents() {};
  }
}
