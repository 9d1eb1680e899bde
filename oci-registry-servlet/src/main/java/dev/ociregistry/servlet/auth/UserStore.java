package dev.ociregistry.servlet.auth;

/** Where user names and their passwords are checked. */
public interface UserStore {
  /**
   * Whether {@code password} is the password of {@code user}. An unknown user costs about as much
   * time as a wrong password, so timing does not tell which user names exist.
   */
  boolean verify(String user, String password);

  /**
   * A number that changes whenever the users change (a file reloaded): cached verifications from an
   * earlier generation no longer count.
   */
  long generation();
}
