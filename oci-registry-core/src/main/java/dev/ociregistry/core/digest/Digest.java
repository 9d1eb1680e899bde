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
 * <p>{@link #toString} gives the canonical {@code algorithm:hex} form; digests order by it.
 *
 * @param algorithm the algorithm that computed it
 * @param hex the lowercase hex encoding, exactly {@link DigestAlgorithm#hexLength} characters
 * @see <a href="https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#digests">
 *     image-spec: digests</a>
 */
public record Digest(DigestAlgorithm algorithm, String hex) implements Comparable<Digest> {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Checks the components; {@link #parse} and {@link #of} are the usual way to get a digest.
   *
   * @param algorithm the algorithm that computed it
   * @param hex the lowercase hex encoding
   * @throws RegistryException with {@link ErrorCode#DIGEST_INVALID} when either is null or {@code
   *     hex} is not lowercase hex of the algorithm's length
   */
  public Digest {
    if (algorithm == null || hex == null || !isLowerHex(hex, algorithm.hexLength())) {
      throw new RegistryException(
          ErrorCode.DIGEST_INVALID, "invalid digest encoding for " + algorithm + ": " + hex);
    }
  }

  /**
   * Parses {@code algorithm:hex}, as a URL, a header or a descriptor carries it.
   *
   * @param text the digest string, or null (reported as missing)
   * @return the digest, whose {@link #toString} equals {@code text}
   * @throws RegistryException with {@link ErrorCode#DIGEST_INVALID} for anything else: null, an
   *     unsupported algorithm, uppercase or wrong-length hex
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

  /**
   * {@return whether {@code text} is a digest {@link #parse} accepts}
   *
   * @param text any string, or null (not valid)
   */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (RegistryException e) {
      return false;
    }
  }

  /**
   * The digest of content already fed to a {@link MessageDigest}, as streaming verification
   * computes it.
   *
   * @param algorithm the algorithm {@code finished} implements
   * @param finished the computation to complete; {@link MessageDigest#digest()} is called on it,
   *     which resets it
   * @return the digest of everything fed to {@code finished}
   */
  public static Digest of(DigestAlgorithm algorithm, MessageDigest finished) {
    return new Digest(algorithm, HEX.formatHex(finished.digest()));
  }

  /**
   * The digest of content held in memory, such as a manifest body.
   *
   * @param algorithm the algorithm to compute
   * @param content the whole content
   * @return its digest
   */
  public static Digest of(DigestAlgorithm algorithm, byte[] content) {
    MessageDigest md = algorithm.newMessageDigest();
    md.update(content);
    return of(algorithm, md);
  }

  /**
   * The SHA-256 digest of content held in memory.
   *
   * @param content the whole content
   * @return its {@code sha256:} digest
   */
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
