package dev.ociregistry.core.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the registry needs to know of a manifest body: its media type, what it references, its
 * subject, artifact type and annotations. The exact bytes are stored apart; this is never
 * re-serialized.
 *
 * @param blobs the blobs that must be present in the repository (config and layers without {@code
 *     urls}); empty for an index
 * @param manifests the child manifests of an index; empty for an image manifest
 * @see <a href="https://github.com/opencontainers/image-spec/blob/v1.1.0/manifest.md">image-spec:
 *     image manifest</a>
 * @see <a
 *     href="https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md">image-spec:
 *     image index</a>
 */
public record ManifestDocument(
    String mediaType,
    Optional<Descriptor> config,
    List<Descriptor> blobs,
    List<Descriptor> manifests,
    Optional<Descriptor> subject,
    Optional<String> artifactType,
    Map<String, String> annotations) {
  public ManifestDocument {
    blobs = List.copyOf(blobs);
    manifests = List.copyOf(manifests);
    annotations = Map.copyOf(annotations);
  }

  public boolean isIndex() {
    return MediaTypes.INDEXES.contains(mediaType);
  }

  /**
   * The artifact type the referrers API reports: {@code artifactType} when set, else the config's
   * media type for an image manifest.
   *
   * @see <a
   *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers">
   *     distribution-spec: listing referrers</a>
   */
  public Optional<String> effectiveArtifactType() {
    if (artifactType.isPresent()) {
      return artifactType;
    }
    return config.map(Descriptor::mediaType);
  }
}
