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
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
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

  /** Whether the registry stores manifests of this media type. */
  public static boolean isManifest(String mediaType) {
    return IMAGE_MANIFESTS.contains(mediaType) || INDEXES.contains(mediaType);
  }
}
