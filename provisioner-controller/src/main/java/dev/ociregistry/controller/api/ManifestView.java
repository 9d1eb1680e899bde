package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.StoredManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the API shows of a stored manifest: its config and layers, or the child manifests of an
 * index with their platforms, and its annotations. Read from the exact bytes the registry stores;
 * the registry validated them when they were pushed.
 *
 * @param mediaType the manifest's media type as the registry stored it
 * @param size the manifest's own size in bytes
 * @param config the config of an image manifest
 * @param layers the layers of an image manifest, in order
 * @param manifests the children of an index, in order
 * @see <a href="https://github.com/opencontainers/image-spec/blob/v1.1.0/manifest.md">image-spec:
 *     image manifest</a>
 * @see <a
 *     href="https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md">image-spec:
 *     image index</a>
 */
record ManifestView(
    String mediaType,
    long size,
    Optional<Entry> config,
    List<Entry> layers,
    List<Entry> manifests,
    Map<String, String> annotations) {

  /**
   * A descriptor of a manifest.
   *
   * @param extra what else the descriptor says that a puller may need: {@code annotations} (such as
   *     the file name oras writes, {@code org.opencontainers.image.title}), {@code urls} of a
   *     foreign layer, {@code platform} and {@code artifactType}
   */
  record Entry(String mediaType, String digest, long size, ObjectNode extra) {}

  ManifestView {
    layers = List.copyOf(layers);
    manifests = List.copyOf(manifests);
    annotations = Map.copyOf(annotations);
  }

  boolean isIndex() {
    return MediaTypes.INDEXES.contains(mediaType);
  }

  /** Config and layers, in that order. */
  List<Entry> blobs() {
    List<Entry> blobs = new ArrayList<>();
    config.ifPresent(blobs::add);
    blobs.addAll(layers);
    return blobs;
  }

  /** Parses a manifest that the registry returned with its content. */
  static ManifestView of(StoredManifest manifest) throws IOException {
    JsonNode root = ApiJson.MAPPER.readTree(manifest.content());
    if (root == null || !root.isObject()) {
      throw new IOException("manifest " + manifest.digest() + " is not a JSON object");
    }
    List<Entry> layers = new ArrayList<>();
    root.path("layers").forEach(layer -> entry(layer).ifPresent(layers::add));
    List<Entry> manifests = new ArrayList<>();
    root.path("manifests").forEach(child -> entry(child).ifPresent(manifests::add));
    return new ManifestView(
        manifest.mediaType(),
        manifest.size(),
        entry(root.path("config")),
        layers,
        manifests,
        strings(root.path("annotations")));
  }

  private static Optional<Entry> entry(JsonNode descriptor) {
    JsonNode mediaType = descriptor.path("mediaType");
    JsonNode digest = descriptor.path("digest");
    JsonNode size = descriptor.path("size");
    if (!mediaType.isTextual() || !digest.isTextual() || !size.canConvertToLong()) {
      return Optional.empty();
    }
    ObjectNode extra = ApiJson.object();
    for (String field : List.of("artifactType", "platform", "urls", "annotations")) {
      if (descriptor.hasNonNull(field)) {
        extra.set(field, descriptor.get(field).deepCopy());
      }
    }
    return Optional.of(new Entry(mediaType.textValue(), digest.textValue(), size.asLong(), extra));
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (field.getValue().isTextual()) {
        values.put(field.getKey(), field.getValue().textValue());
      }
    }
    return values;
  }
}
