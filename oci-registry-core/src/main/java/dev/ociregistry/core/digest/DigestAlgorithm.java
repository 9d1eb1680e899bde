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
  /** SHA-256, {@code sha256}: 64 hex characters; what clients use in practice. */
  SHA256("sha256", "SHA-256", 64),
  /** SHA-512, {@code sha512}: 128 hex characters. */
  SHA512("sha512", "SHA-512", 128);

  private final String id;
  private final String jcaName;
  private final int hexLength;

  DigestAlgorithm(String id, String jcaName, int hexLength) {
    this.id = id;
    this.jcaName = jcaName;
    this.hexLength = hexLength;
  }

  /** {@return the identifier before the colon of a digest string, e.g. {@code sha256}} */
  public String id() {
    return id;
  }

  /** {@return the number of lowercase hex characters after the colon: 64 or 128} */
  public int hexLength() {
    return hexLength;
  }

  /**
   * {@return a new {@link MessageDigest} for this algorithm}, for one computation; a {@code
   * MessageDigest} is not thread-safe.
   *
   * @throws IllegalStateException if the JDK lacks the algorithm, which a standard JDK never does
   */
  public MessageDigest newMessageDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + jcaName, e);
    }
  }

  /**
   * Looks an algorithm up by the identifier a digest string starts with.
   *
   * @param id the identifier, e.g. {@code sha256}; compared exactly (case-sensitive)
   * @return the algorithm, or empty if this registry does not support {@code id}
   */
  public static Optional<DigestAlgorithm> byId(String id) {
    for (DigestAlgorithm algorithm : values()) {
      if (algorithm.id.equals(id)) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }
}
