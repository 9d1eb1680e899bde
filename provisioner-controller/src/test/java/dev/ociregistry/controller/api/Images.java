package dev.ociregistry.controller.api;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes real images and indexes (built by the kit's {@link Artifacts}) through core's API, as a
 * client's push would store them.
 */
final class Images {
  private static final String[] ARCHITECTURES = {"amd64", "arm64", "riscv64"};

  private Images() {}

  /** A pushed blob. */
  record Blob(Digest digest, long size, String mediaType) {
    static Blob of(Artifacts.Blob blob) {
      return new Blob(Digest.parse(blob.digest()), blob.size(), blob.mediaType());
    }
  }

  /** A pushed image manifest. */
  record Image(
      RepositoryName repository, Digest digest, Manifest manifest, Blob config, List<Blob> layers) {
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
   * Pushes an image whose layers are titled {@code layer-<i>.tar.gz}.
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
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.put("layers", String.join("|", layers));
    Artifacts.ManifestBuilder builder =
        Artifacts.image().config(Artifacts.blob(Artifacts.OCI_CONFIG, Artifacts.bytes(config)));
    for (int i = 0; i < layers.length; i++) {
      builder.layer(
          Artifacts.blob(Artifacts.OCI_LAYER_GZIP, layers[i].getBytes(UTF_8)),
          Map.of(
              "annotations", Map.of("org.opencontainers.image.title", "layer-" + i + ".tar.gz")));
    }
    annotations.forEach(builder::annotation);
    Manifest manifest = builder.build();
    List<Blob> pushed = new ArrayList<>();
    for (Artifacts.Blob blob : manifest.blobs()) {
      pushed.add(putBlob(registry, name, blob));
    }
    Reference target =
        reference.isDigest() ? Reference.of(Digest.parse(manifest.digest())) : reference;
    Digest digest = putManifest(registry, name, target, manifest);
    return new Image(name, digest, manifest, pushed.get(0), pushed.subList(1, pushed.size()));
  }

  /**
   * Pushes an index of {@code children} (amd64, arm64, riscv64 in turn) tagged {@code tag}; returns
   * its digest and size.
   */
  static Blob pushIndex(OciRegistry registry, String repository, String tag, Image... children)
      throws IOException {
    Artifacts.IndexBuilder builder = Artifacts.index();
    for (int i = 0; i < children.length; i++) {
      builder.manifest(children[i].manifest(), "linux", ARCHITECTURES[i]);
    }
    Manifest index = builder.build();
    Digest digest =
        putManifest(
            registry, RepositoryName.parse(repository), Reference.of(Tag.parse(tag)), index);
    return new Blob(digest, index.size(), index.mediaType());
  }

  /** Stores {@code blob} in {@code repository}, as a pushed blob. */
  static Blob putBlob(OciRegistry registry, RepositoryName repository, Artifacts.Blob blob)
      throws IOException {
    registry
        .blobs()
        .put(
            repository,
            Digest.parse(blob.digest()),
            new ByteArrayInputStream(blob.content()),
            blob.size());
    return Blob.of(blob);
  }

  /** Stores {@code manifest} under {@code reference} (its blobs must be stored); its digest. */
  static Digest putManifest(
      OciRegistry registry, RepositoryName repository, Reference reference, Manifest manifest)
      throws IOException {
    return registry
        .manifests()
        .put(repository, reference, manifest.content(), manifest.mediaType())
        .digest();
  }
}
