package dev.ociregistry.core.model;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.util.Optional;

/**
 * The {@code <reference>} of a manifest URL: a {@link Tag} or a {@link Digest}, exactly one. {@link
 * #toString} gives the tag or the digest as the URL carries it.
 *
 * @param tag the tag, when the reference is one
 * @param digest the digest, when the reference is one
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-manifests">
 *     distribution-spec: pulling manifests</a>
 */
public record Reference(Optional<Tag> tag, Optional<Digest> digest) {
  /**
   * Checks that exactly one is present; {@link #parse} and {@link #of} are the usual way in.
   *
   * @param tag the tag, or empty
   * @param digest the digest, or empty
   * @throws IllegalArgumentException when both or neither are present
   */
  public Reference {
    if (tag.isPresent() == digest.isPresent()) {
      throw new IllegalArgumentException("a reference is a tag or a digest, exactly one");
    }
  }

  /**
   * Parses a reference: a digest when it contains {@code :}, else a tag.
   *
   * @param text the reference from the URL; null is invalid
   * @return the reference
   * @throws RegistryException with {@link ErrorCode#DIGEST_INVALID} or {@link
   *     ErrorCode#MANIFEST_INVALID} when it is neither
   */
  public static Reference parse(String text) {
    if (text != null && text.indexOf(':') >= 0) {
      return of(Digest.parse(text));
    }
    if (!Tag.isValid(text)) {
      throw new RegistryException(
          ErrorCode.MANIFEST_INVALID, "reference is neither a tag nor a digest: " + text);
    }
    return of(Tag.parse(text));
  }

  /**
   * A reference by tag.
   *
   * @param tag the tag
   * @return the reference
   */
  public static Reference of(Tag tag) {
    return new Reference(Optional.of(tag), Optional.empty());
  }

  /**
   * A reference by digest.
   *
   * @param digest the digest
   * @return the reference
   */
  public static Reference of(Digest digest) {
    return new Reference(Optional.empty(), Optional.of(digest));
  }

  /** {@return whether this is a digest reference}, which names content that never changes */
  public boolean isDigest() {
    return digest.isPresent();
  }

  @Override
  public String toString() {
    return tag.map(Tag::toString).orElseGet(() -> digest.orElseThrow().toString());
  }
}
