package dev.ociregistry.servlet.auth;

/**
 * Where user names and their passwords are checked. Called from many request threads at once, so
 * implementations must be thread-safe.
 */
public interface UserStore {
  /**
   * Whether {@code password} is the password of {@code user}. An unknown user costs about as much
   * time as a wrong password, so timing does not tell which user names exist.
   *
   * @param user the user name, as sent
   * @param password the password, as sent; never log it
   * @return whether they match
   */
  boolean verify(String user, String password);

  /**
   * A number that changes whenever the users change (a file reloaded): cached verifications from an
   * earlier generation no longer count.
   *
   * @return the current generation; a store whose users never change returns a constant
   */
  long generation();
}
