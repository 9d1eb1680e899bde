package dev.ociregistry.core.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The digest algorithms this registry accepts, as registered by the image-spec.
 *
 * @see <a
 *     href="https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#registered-algorithms">
 *     image-spec: registered algorithms</a>
 */
public enum DigestAlgorithm {
  SHA256("sha256", "SHA-256", 64),
  SHA512("sha512", "SHA-512", 128);

  private final String id;
  private final String jcaName;
  private final int hexLength;

  DigestAlgorithm(String id, String jcaName, int hexLength) {
    this.id = id;
    this.jcaName = jcaName;
    this.hexLength = hexLength;
  }

  /** The identifier used in digest strings, e.g. {@code sha256}. */
  public String id() {
    return id;
  }

  /** Number of lowercase hex characters of an encoded digest. */
  public int hexLength() {
    return hexLength;
  }

  /** A fresh {@link MessageDigest} for this algorithm. */
  public MessageDigest newMessageDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + jcaName, e);
    }
  }

  /** The algorithm with the given identifier, if it is one this registry supports. */
  public static Optional<DigestAlgorithm> byId(String id) {
    for (DigestAlgorithm algorithm : values()) {
      if (algorithm.id.equals(id)) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }
}
