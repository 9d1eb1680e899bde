package dev.ociregistry.servlet.auth;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The user and password of an {@code Authorization: Basic} header. Its {@code toString} never shows
 * the password.
 *
 * @param user the user name; empty only when the password is empty too (as {@code :}, which clients
 *     send for no credentials)
 * @param password the password, as sent; never log it
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7617">RFC 7617: the Basic scheme</a>
 */
public record BasicCredentials(String user, String password) {
  /**
   * The credentials {@code request} carries; empty when it has no {@code Authorization} header.
   *
   * @param request the request
   * @return the decoded user and password
   * @throws RegistryException {@link ErrorCode#UNAUTHORIZED} when the header is not Basic, not
   *     base64, or holds no user name
   */
  public static Optional<BasicCredentials> of(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null) {
      return Optional.empty();
    }
    int space = header.indexOf(' ');
    if (space < 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals("basic")) {
      throw unauthorized("only Basic credentials are accepted");
    }
    String text;
    try {
      text =
          new String(
              Base64.getDecoder().decode(header.substring(space + 1).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw unauthorized("the Basic credentials are not base64");
    }
    int colon = text.indexOf(':');
    if (colon < 0 || (colon == 0 && text.length() > 1)) {
      throw unauthorized("the Basic credentials hold no user name");
    }
    return Optional.of(new BasicCredentials(text.substring(0, colon), text.substring(colon + 1)));
  }

  /** A 401 with {@code message}, which never holds the credentials. */
  static RegistryException unauthorized(String message) {
    return new RegistryException(ErrorCode.UNAUTHORIZED, message);
  }

  @Override
  public String toString() {
    return "BasicCredentials[" + user + "]";
  }
}
