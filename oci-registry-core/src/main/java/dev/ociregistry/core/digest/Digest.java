package dev.ociregistry.core.digest;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A content digest such as {@code sha256:6c3c...}: an algorithm this registry supports and the
 * lowercase hex encoding of the right length. Instances only come from {@link #parse} and {@link
 * #of}, so a digest can be used to build a storage path.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#digests">
 *     image-spec: digests</a>
 */
public record Digest(DigestAlgorithm algorithm, String hex) implements Comparable<Digest> {
  private static final HexFormat HEX = HexFormat.of();

  public Digest {
    if (algorithm == null || hex == null || !isLowerHex(hex, algorithm.hexLength())) {
      throw new RegistryException(
          ErrorCode.DIGEST_INVALID, "invalid digest encoding for " + algorithm + ": " + hex);
    }
  }

  /**
   * Parses {@code algorithm:hex}.
   *
   * @throws RegistryException with {@link ErrorCode#DIGEST_INVALID} for anything else
   */
  public static Digest parse(String text) {
    if (text == null) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "digest is missing");
    }
    int colon = text.indexOf(':');
    if (colon <= 0 || text.length() > 200) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "invalid digest: " + abbreviate(text));
    }
    DigestAlgorithm algorithm =
        DigestAlgorithm.byId(text.substring(0, colon))
            .orElseThrow(
                () ->
                    new RegistryException(
                        ErrorCode.DIGEST_INVALID,
                        "unsupported digest algorithm: " + abbreviate(text.substring(0, colon))));
    String hex = text.substring(colon + 1);
    if (!isLowerHex(hex, algorithm.hexLength())) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "invalid digest: " + abbreviate(text));
    }
    return new Digest(algorithm, hex);
  }

  /** Whether {@code text} is a digest {@link #parse} accepts. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (RegistryException e) {
      return false;
    }
  }

  /** The digest of a finished {@link MessageDigest} computation. */
  public static Digest of(DigestAlgorithm algorithm, MessageDigest finished) {
    return new Digest(algorithm, HEX.formatHex(finished.digest()));
  }

  /** The digest of {@code content}. */
  public static Digest of(DigestAlgorithm algorithm, byte[] content) {
    MessageDigest md = algorithm.newMessageDigest();
    md.update(content);
    return of(algorithm, md);
  }

  /** The SHA-256 digest of {@code content}. */
  public static Digest sha256(byte[] content) {
    return of(DigestAlgorithm.SHA256, content);
  }

  @Override
  public String toString() {
    return algorithm.id() + ":" + hex;
  }

  @Override
  public int compareTo(Digest other) {
    return toString().compareTo(other.toString());
  }

  private static boolean isLowerHex(String hex, int length) {
    if (hex.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
