package dev.ociregistry.core.internal;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.json.JsonException;
import dev.ociregistry.core.json.JsonObject;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.ManifestDocument;
import dev.ociregistry.core.model.MediaTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a manifest body strictly: OCI image manifests and indexes, Docker schema 2 manifests and
 * manifest lists, and artifacts (image manifests with {@code artifactType}). The {@code
 * Content-Type} the client sent must agree with the body's {@code mediaType}.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-manifests">
 *     distribution-spec: pushing manifests</a>
 */
public final class ManifestParser {
  private ManifestParser() {}

  /**
   * Parses a manifest body.
   *
   * @param contentType the media type the client declared, or null when it declared none
   * @throws RegistryException {@link ErrorCode#MANIFEST_INVALID} naming what is wrong
   */
  public static ManifestDocument parse(byte[] body, String contentType) {
    try {
      JsonObject root = Json.parseObject(body);
      String mediaType = mediaType(root, normalize(contentType));
      if (root.integer("schemaVersion") != 2) {
        throw invalid("schemaVersion must be 2");
      }
      if (MediaTypes.INDEXES.contains(mediaType)) {
        return index(root, mediaType);
      }
      return imageManifest(root, mediaType);
    } catch (JsonException e) {
      throw invalid(e.getMessage());
    }
  }

  private static ManifestDocument imageManifest(JsonObject root, String mediaType) {
    if (root.has("manifests")) {
      throw invalid("an image manifest has no manifests field");
    }
    Descriptor config = descriptor(root.object("config"));
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(config);
    if (!root.has("layers") && !MediaTypes.OCI_MANIFEST.equals(mediaType)) {
      throw invalid("layers is required");
    }
    for (JsonObject layer : root.objects("layers")) {
      Descriptor descriptor = descriptor(layer);
      if (!isForeign(layer, descriptor)) {
        blobs.add(descriptor);
      }
    }
    return new ManifestDocument(
        mediaType,
        Optional.of(config),
        blobs,
        List.of(),
        root.optObject("subject").map(ManifestParser::descriptor),
        artifactType(root),
        root.stringMap("annotations"));
  }

  private static ManifestDocument index(JsonObject root, String mediaType) {
    if (root.has("config") || root.has("layers")) {
      throw invalid("an index has no config or layers field");
    }
    if (!root.has("manifests")) {
      throw invalid("manifests is required");
    }
    List<Descriptor> manifests = new ArrayList<>();
    for (JsonObject child : root.objects("manifests")) {
      manifests.add(descriptor(child));
    }
    return new ManifestDocument(
        mediaType,
        Optional.empty(),
        List.of(),
        manifests,
        root.optObject("subject").map(ManifestParser::descriptor),
        artifactType(root),
        root.stringMap("annotations"));
  }

  private static String mediaType(JsonObject root, String contentType) {
    Optional<String> declared = root.optString("mediaType");
    if (declared.isPresent()) {
      if (!MediaTypes.isManifest(declared.get())) {
        throw invalid("unsupported manifest media type: " + declared.get());
      }
      if (contentType != null && !contentType.equals(declared.get())) {
        throw invalid(
            "Content-Type "
                + contentType
                + " does not match the manifest's mediaType "
                + declared.get());
      }
      return declared.get();
    }
    if (contentType != null && MediaTypes.isManifest(contentType)) {
      return contentType;
    }
    if (contentType != null && !contentType.equals("application/json")) {
      throw invalid("unsupported manifest media type: " + contentType);
    }
    return root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
  }

  /**
   * A non-distributable layer with somewhere else to fetch it from: the registry need not hold it.
   * Any other layer must be present, {@code urls} or not.
   */
  private static boolean isForeign(JsonObject layer, Descriptor descriptor) {
    return MediaTypes.isForeignLayer(descriptor.mediaType(), layer.hasNonEmptyArray("urls"));
  }

  private static Optional<String> artifactType(JsonObject root) {
    Optional<String> type = root.optString("artifactType");
    if (type.isPresent() && type.get().isBlank()) {
      throw invalid("artifactType must not be empty");
    }
    return type;
  }

  private static Descriptor descriptor(JsonObject object) {
    String mediaType = object.string("mediaType");
    if (mediaType.isBlank()) {
      throw invalid(object.path() + ".mediaType must not be empty");
    }
    Digest digest;
    try {
      digest = Digest.parse(object.string("digest"));
    } catch (RegistryException e) {
      throw invalid(object.path() + ".digest: " + e.getMessage());
    }
    long size = object.integer("size");
    if (size < 0) {
      throw invalid(object.path() + ".size must not be negative");
    }
    return new Descriptor(
        mediaType, digest, size, object.optString("artifactType"), object.stringMap("annotations"));
  }

  private static String normalize(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).trim();
    return type.isEmpty() ? null : type.toLowerCase(Locale.ROOT);
  }

  private static RegistryException invalid(String message) {
    return new RegistryException(ErrorCode.MANIFEST_INVALID, message);
  }
}
