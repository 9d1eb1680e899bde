package dev.ociregistry.servlet.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One user whose password is configured directly (the controller's {@code basic} mode). Only a
 * SHA-256 of the password is kept; checks compare in constant time. Thread-safe.
 */
public final class SingleUser implements UserStore {
  private final String user;
  private final byte[] passwordHash;

  /**
   * The one user.
   *
   * @param user the user name: not empty, without {@code :}
   * @param password the password: not empty
   * @throws IllegalArgumentException when either is empty or the name holds {@code :}
   */
  public SingleUser(String user, String password) {
    if (user.isEmpty() || user.indexOf(':') >= 0) {
      throw new IllegalArgumentException("a user name must be non-empty and hold no ':'");
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("the password must not be empty");
    }
    this.user = user;
    this.passwordHash = sha256(password);
  }

  @Override
  public boolean verify(String user, String password) {
    // Both compared in full, in constant time: neither the name nor the password leaks by timing.
    boolean name = MessageDigest.isEqual(sha256(this.user), sha256(user));
    boolean secret = MessageDigest.isEqual(passwordHash, sha256(password));
    return name & secret;
  }

  @Override
  public long generation() {
    return 0;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
