package dev.ociregistry.interop.testing;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small single-layer OCI image, built byte by byte here (the manifest by the kit's {@link
 * Artifacts}) so that every digest is known before any client sees it.
 *
 * @param files the layer's files, by path
 * @param config the image configuration
 * @param layer the gzipped tar layer
 * @param manifest the OCI image manifest over both
 */
public record SampleImage(Map<String, byte[]> files, Blob config, Blob layer, Manifest manifest) {
  /**
   * An image whose one layer holds {@code etc/os-release} and {@code etc/motd} naming {@code
   * label}.
   */
  public static SampleImage of(String label) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("etc/os-release", Artifacts.utf8("NAME=\"Interop\"\nVERSION_ID=\"" + label + "\"\n"));
    files.put("etc/motd", Artifacts.utf8("built for the " + label + " interop test\n"));
    byte[] tar = Tars.tar(files);
    Blob layer = Artifacts.blob(Artifacts.OCI_LAYER_GZIP, Tars.gzip(tar));
    Blob config =
        Artifacts.blob(
            Artifacts.OCI_CONFIG,
            Artifacts.utf8(
                "{\"architecture\":\"amd64\",\"os\":\"linux\","
                    + "\"config\":{\"Env\":[\"PATH=/usr/bin:/bin\"],\"Labels\":{\"interop\":\""
                    + label
                    + "\"}},"
                    + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                    + Digests.sha256(tar)
                    + "\"]},"
                    + "\"history\":[{\"created_by\":\"interop test\"}]}"));
    Manifest manifest =
        Artifacts.image()
            .config(config)
            .layer(layer)
            .annotation("org.opencontainers.image.title", label)
            .build();
    return new SampleImage(Map.copyOf(files), config, layer, manifest);
  }

  public List<String> layerDigests() {
    return List.of(layer.digest());
  }

  /**
   * Stores the image in the registry at {@code root} through the core's own API (no HTTP), tagged
   * {@code repository:tag}. The root is then an OCI Image Layout holding the image under the name
   * {@code repository:tag}.
   */
  public void storeIn(Path root, String repository, String tag) throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      RepositoryName name = RepositoryName.parse(repository);
      for (Blob blob : manifest.blobs()) {
        registry
            .blobs()
            .put(
                name,
                Digest.parse(blob.digest()),
                new ByteArrayInputStream(blob.content()),
                blob.size());
      }
      registry
          .manifests()
          .put(name, Reference.parse(tag), manifest.content(), manifest.mediaType());
    }
  }
}
