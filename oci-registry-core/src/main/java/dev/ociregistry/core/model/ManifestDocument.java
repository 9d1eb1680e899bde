package dev.ociregistry.core.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the registry needs to know of a manifest body: its media type, what it references, its
 * subject, artifact type and annotations. The exact bytes are stored apart; this is never
 * re-serialized.
 *
 * @param mediaType one of {@link MediaTypes#IMAGE_MANIFESTS} or {@link MediaTypes#INDEXES}: the
 *     body's {@code mediaType}, else the declared {@code Content-Type}, else OCI's by the fields
 *     present
 * @param config the config of an image manifest; empty for an index
 * @param blobs the blobs that must be present in the repository: the config and every layer but
 *     foreign ones ({@link MediaTypes#isForeignLayer}); empty for an index
 * @param manifests the child manifests of an index; empty for an image manifest
 * @param subject the manifest this one refers to, which makes it a referrer of that manifest
 * @param artifactType the body's {@code artifactType}, never blank when present
 * @param annotations the body's annotations; empty when it has none
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
  /**
   * Copies the lists and the map, which must not be null.
   *
   * @param mediaType the manifest's media type
   * @param config the config of an image manifest; empty for an index
   * @param blobs the blobs that must be present, copied
   * @param manifests the child manifests of an index, copied
   * @param subject the manifest this one refers to, or empty
   * @param artifactType the body's {@code artifactType}, or empty
   * @param annotations the body's annotations, copied
   * @throws NullPointerException when a list, the map, or an element of them is null
   */
  public ManifestDocument {
    blobs = List.copyOf(blobs);
    manifests = List.copyOf(manifests);
    annotations = Map.copyOf(annotations);
  }

  /**
   * {@return whether this is an index (OCI image index or Docker manifest list)}, whose content is
   * {@link #manifests} rather than {@link #blobs}
   */
  public boolean isIndex() {
    return MediaTypes.INDEXES.contains(mediaType);
  }

  /**
   * The artifact type the referrers API reports: {@code artifactType} when set, else the config's
   * media type for an image manifest.
   *
   * @return the artifact type, or empty for an index without {@code artifactType}
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
