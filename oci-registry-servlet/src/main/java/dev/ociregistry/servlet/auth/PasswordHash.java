package dev.ociregistry.servlet.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import org.apache.commons.codec.digest.Crypt;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.UnixCrypt;
import org.mindrot.jbcrypt.BCrypt;

/**
 * One password hash of an htpasswd file, in the formats Apache's {@code htpasswd} writes: bcrypt
 * ({@code $2y$}, and {@code $2a$}, {@code $2b$} as other tools write it), which is the one to use,
 * and the weak ones ({@code $apr1$} MD5, {@code {SHA}}, {@code $1$}, {@code $5$}, {@code $6$} and
 * DES crypt), accepted only when an operator allows them. Immutable.
 */
public sealed interface PasswordHash {
  /**
   * Checks a password; a bcrypt check takes as long as the hash's cost says, on purpose.
   *
   * @param password the password, as sent
   * @return whether it matches; false also for a hash that cannot be checked
   */
  boolean matches(String password);

  /** {@return whether this is a weak format}: anything but bcrypt */
  boolean weak();

  /**
   * Reads a hash as it stands after the {@code user:} of an htpasswd line.
   *
   * @param hash the text after the colon
   * @return empty when it is in no format this registry knows
   */
  static Optional<PasswordHash> parse(String hash) {
    if (hash.startsWith("$2y$") || hash.startsWith("$2a$") || hash.startsWith("$2b$")) {
      return hash.length() == 60
          ? Optional.of(new Bcrypt("$2a$" + hash.substring(4)))
          : Optional.empty();
    }
    if (hash.startsWith("$apr1$")) {
      return Optional.of(new Weak(hash, password -> Md5Crypt.apr1Crypt(password, hash)));
    }
    if (hash.startsWith("{SHA}")) {
      return Optional.of(
          new Weak(
              hash,
              password ->
                  "{SHA}" + Base64.getEncoder().encodeToString(DigestUtils.sha1(password))));
    }
    if (hash.startsWith("$1$") || hash.startsWith("$5$") || hash.startsWith("$6$")) {
      return Optional.of(new Weak(hash, password -> Crypt.crypt(password, hash)));
    }
    if (hash.matches("[./0-9A-Za-z]{13}")) {
      return Optional.of(new Weak(hash, password -> UnixCrypt.crypt(password, hash)));
    }
    return Optional.empty();
  }

  /**
   * A bcrypt hash, checked by jBCrypt (which reads the {@code $2a$} spelling of all three).
   *
   * @param hash the 60-character hash, spelt {@code $2a$}
   */
  record Bcrypt(String hash) implements PasswordHash {
    @Override
    public boolean matches(String password) {
      try {
        return BCrypt.checkpw(password, hash);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    @Override
    public boolean weak() {
      return false;
    }

    /** The cost factor, for a dummy check of the same cost. */
    int cost() {
      return Integer.parseInt(hash.substring(4, 6));
    }
  }

  /** A weak hash, checked by recomputing it and comparing in constant time. */
  final class Weak implements PasswordHash {
    private final String hash;
    private final java.util.function.Function<String, String> compute;

    Weak(String hash, java.util.function.Function<String, String> compute) {
      this.hash = hash;
      this.compute = compute;
    }

    @Override
    public boolean matches(String password) {
      String computed;
      try {
        computed = compute.apply(password);
      } catch (IllegalArgumentException e) {
        return false;
      }
      return MessageDigest.isEqual(
          computed.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean weak() {
      return true;
    }
  }
}
