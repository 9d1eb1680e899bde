package dev.ociregistry.core.model;

import java.util.Set;

/**
 * Media types the registry understands.
 *
 * @see <a
 *     href="https://github.com/opencontainers/image-spec/blob/v1.1.0/media-types.md">image-spec:
 *     media types</a>
 */
public final class MediaTypes {
  /** OCI image manifest: a config and layers; with {@code artifactType}, an artifact. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index: a list of manifests, such as one per platform. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image configuration, the config blob of an image. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** OCI layer, an uncompressed tar archive. */
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

  /** OCI layer, a gzip-compressed tar archive. */
  public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** The empty descriptor's content, {@code {}}: the config of an artifact that needs none. */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  /** Docker image manifest, schema 2. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker manifest list, schema 2: Docker's counterpart of an OCI image index. */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker image configuration, the config blob of a Docker schema 2 image. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /**
   * Layers that may not be redistributed and are fetched from their {@code urls}: OCI's deprecated
   * non-distributable types and Docker's foreign layers.
   */
  public static final Set<String> NON_DISTRIBUTABLE_LAYERS =
      Set.of(
          "application/vnd.oci.image.layer.nondistributable.v1.tar",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
          "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");

  /**
   * Whether a layer is fetched from its {@code urls} rather than from the registry: one of the
   * {@link #NON_DISTRIBUTABLE_LAYERS} with at least one URL. Any other layer must be in the
   * repository when its manifest is pushed.
   *
   * @param mediaType the layer descriptor's media type
   * @param hasUrls whether the descriptor has a non-empty {@code urls}
   * @return true when the registry need not hold the layer
   */
  public static boolean isForeignLayer(String mediaType, boolean hasUrls) {
    return hasUrls && NON_DISTRIBUTABLE_LAYERS.contains(mediaType);
  }

  /** Annotation that names a tag in an OCI Image Layout's {@code index.json}. */
  public static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

  /** Manifest media types whose body lists blobs (a config and layers). */
  public static final Set<String> IMAGE_MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

  /** Manifest media types whose body lists other manifests. */
  public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

  private MediaTypes() {}

  /**
   * {@return whether the registry stores manifests of this media type}: one of {@link
   * #IMAGE_MANIFESTS} or {@link #INDEXES}
   *
   * @param mediaType a media type without parameters, compared exactly; null is none
   */
  public static boolean isManifest(String mediaType) {
    return IMAGE_MANIFESTS.contains(mediaType) || INDEXES.contains(mediaType);
  }
}
