package dev.ociregistry.servlet.auth;

/**
 * Who a request comes from: a user who proved their name, or anonymous.
 *
 * @param name the user name; empty for anonymous
 */
public record Principal(String name) {
  /** A request that carried no credentials. */
  public static final Principal ANONYMOUS = new Principal("");

  /** {@return whether the user proved their name}, that is, the principal is not anonymous */
  public boolean authenticated() {
    return !name.isEmpty();
  }

  @Override
  public String toString() {
    return authenticated() ? name : "anonymous";
  }
}
