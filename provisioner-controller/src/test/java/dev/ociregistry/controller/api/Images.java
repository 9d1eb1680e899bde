package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Pushes real images and indexes through core's API, as a client's push would store them. */
final class Images {
  private Images() {}

  /** A pushed blob. */
  record Blob(Digest digest, long size, String mediaType) {}

  /** A pushed image manifest. */
  record Image(
      RepositoryName repository, Digest digest, long manifestSize, Blob config, List<Blob> layers) {
    long contentSize() {
      return config.size() + layers.stream().mapToLong(Blob::size).sum();
    }
  }

  /** Pushes an image with one layer per content string, tagged {@code tag}. */
  static Image push(OciRegistry registry, String repository, String tag, String... layers)
      throws IOException {
    return push(registry, repository, Reference.of(Tag.parse(tag)), Map.of(), layers);
  }

  /**
   * Pushes an image.
   *
   * @param reference a tag, or any digest to push it untagged (the real digest is computed)
   */
  static Image push(
      OciRegistry registry,
      String repository,
      Reference reference,
      Map<String, String> annotations,
      String... layers)
      throws IOException {
    RepositoryName name = RepositoryName.parse(repository);
    Blob config =
        blob(
            registry,
            name,
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"layers\":\""
                + String.join("|", layers)
                + "\"}",
            MediaTypes.OCI_CONFIG);
    List<Blob> pushed = new ArrayList<>();
    for (String layer : layers) {
      pushed.add(blob(registry, name, layer, MediaTypes.OCI_LAYER_TAR_GZIP));
    }
    ObjectNode manifest = Http.mapper().createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.set("config", descriptor(config));
    ArrayNode layerList = manifest.putArray("layers");
    for (int i = 0; i < pushed.size(); i++) {
      ObjectNode descriptor = descriptor(pushed.get(i));
      descriptor
          .putObject("annotations")
          .put("org.opencontainers.image.title", "layer-" + i + ".tar.gz");
      layerList.add(descriptor);
    }
    if (!annotations.isEmpty()) {
      ObjectNode map = manifest.putObject("annotations");
      annotations.forEach(map::put);
    }
    byte[] bytes = Http.mapper().writeValueAsBytes(manifest);
    Reference target = reference.isDigest() ? Reference.of(Digest.sha256(bytes)) : reference;
    Digest digest = registry.manifests().put(name, target, bytes, MediaTypes.OCI_MANIFEST).digest();
    return new Image(name, digest, bytes.length, config, pushed);
  }

  /**
   * Pushes an index of {@code children} (amd64 then arm64) tagged {@code tag}; returns its digest
   * and size.
   */
  static Blob pushIndex(OciRegistry registry, String repository, String tag, Image... children)
      throws IOException {
    ObjectNode index = Http.mapper().createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    String[] architectures = {"amd64", "arm64", "riscv64"};
    for (int i = 0; i < children.length; i++) {
      ObjectNode child = manifests.addObject();
      child.put("mediaType", MediaTypes.OCI_MANIFEST);
      child.put("digest", children[i].digest().toString());
      child.put("size", children[i].manifestSize());
      child.putObject("platform").put("architecture", architectures[i]).put("os", "linux");
    }
    byte[] bytes = Http.mapper().writeValueAsBytes(index);
    Digest digest =
        registry
            .manifests()
            .put(
                RepositoryName.parse(repository),
                Reference.of(Tag.parse(tag)),
                bytes,
                MediaTypes.OCI_INDEX)
            .digest();
    return new Blob(digest, bytes.length, MediaTypes.OCI_INDEX);
  }

  private static Blob blob(
      OciRegistry registry, RepositoryName repository, String content, String mediaType)
      throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(bytes);
    registry.blobs().put(repository, digest, new ByteArrayInputStream(bytes), bytes.length);
    return new Blob(digest, bytes.length, mediaType);
  }

  private static ObjectNode descriptor(Blob blob) {
    ObjectNode descriptor = Http.mapper().createObjectNode();
    descriptor.put("mediaType", blob.mediaType());
    descriptor.put("digest", blob.digest().toString());
    descriptor.put("size", blob.size());
    return descriptor;
  }
}
