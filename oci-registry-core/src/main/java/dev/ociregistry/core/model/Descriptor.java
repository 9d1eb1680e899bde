package dev.ociregistry.core.model;

import dev.ociregistry.core.digest.Digest;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI content descriptor: what a manifest says of a blob or of another manifest.
 *
 * @param mediaType the media type of the content described, never empty
 * @param digest the digest of the content
 * @param size the content's length in bytes, never negative
 * @param artifactType the artifact type, when the descriptor carries one
 * @param annotations never null; empty when there are none
 * @see <a href="https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md">image-spec:
 *     descriptors</a>
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Optional<String> artifactType,
    Map<String, String> annotations) {
  /**
   * Checks the required fields and copies the annotations. A null {@code artifactType} or {@code
   * annotations} is taken as none.
   *
   * @param mediaType the media type of the content described
   * @param digest the digest of the content
   * @param size the content's length in bytes
   * @param artifactType the artifact type, or empty
   * @param annotations the annotations, copied
   * @throws IllegalArgumentException when {@code mediaType} is null or empty, {@code digest} is
   *     null or {@code size} is negative
   */
  public Descriptor {
    if (mediaType == null || mediaType.isEmpty()) {
      throw new IllegalArgumentException("mediaType is required");
    }
    if (digest == null) {
      throw new IllegalArgumentException("digest is required");
    }
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    artifactType = artifactType == null ? Optional.empty() : artifactType;
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /**
   * A descriptor with neither artifact type nor annotations.
   *
   * @param mediaType the media type of the content described, never empty
   * @param digest the digest of the content
   * @param size the content's length in bytes, never negative
   * @return the descriptor
   * @throws IllegalArgumentException as the canonical constructor
   */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, Optional.empty(), Map.of());
  }
}
