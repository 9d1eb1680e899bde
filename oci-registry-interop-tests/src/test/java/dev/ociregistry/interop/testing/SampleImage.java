package dev.ociregistry.interop.testing;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small single-layer OCI image, built byte by byte here so that every digest is known before any
 * client sees it.
 *
 * @param files the layer's files, by path
 * @param layer the gzipped tar layer
 * @param config the image configuration
 * @param manifest the OCI image manifest
 */
public record SampleImage(Map<String, byte[]> files, byte[] layer, byte[] config, byte[] manifest) {
  public static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
  public static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
  public static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

  /**
   * An image whose one layer holds {@code etc/os-release} and {@code etc/motd} naming {@code
   * label}.
   */
  public static SampleImage of(String label) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(
        "etc/os-release",
        ("NAME=\"Interop\"\nVERSION_ID=\"" + label + "\"\n").getBytes(StandardCharsets.UTF_8));
    files.put(
        "etc/motd",
        ("built for the " + label + " interop test\n").getBytes(StandardCharsets.UTF_8));
    byte[] tar = Tars.tar(files);
    byte[] layer = Tars.gzip(tar);
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"config\":{\"Env\":[\"PATH=/usr/bin:/bin\"],\"Labels\":{\"interop\":\""
                + label
                + "\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + Digests.sha256(tar)
                + "\"]},"
                + "\"history\":[{\"created_by\":\"interop test\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MANIFEST_MEDIA_TYPE
                + "\",\"config\":"
                + descriptor(CONFIG_MEDIA_TYPE, config)
                + ",\"layers\":["
                + descriptor(LAYER_MEDIA_TYPE, layer)
                + "],\"annotations\":{\"org.opencontainers.image.title\":\""
                + label
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    return new SampleImage(Map.copyOf(files), layer, config, manifest);
  }

  public String manifestDigest() {
    return Digests.sha256(manifest);
  }

  public String configDigest() {
    return Digests.sha256(config);
  }

  public String layerDigest() {
    return Digests.sha256(layer);
  }

  public List<String> layerDigests() {
    return List.of(layerDigest());
  }

  /**
   * Stores the image in the registry at {@code root} through the core's own API (no HTTP), tagged
   * {@code repository:tag}. The root is then an OCI Image Layout holding the image under the name
   * {@code repository:tag}.
   */
  public void storeIn(Path root, String repository, String tag) throws IOException {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      RepositoryName name = RepositoryName.parse(repository);
      registry
          .blobs()
          .put(name, Digest.sha256(config), new ByteArrayInputStream(config), config.length);
      registry
          .blobs()
          .put(name, Digest.sha256(layer), new ByteArrayInputStream(layer), layer.length);
      registry.manifests().put(name, Reference.parse(tag), manifest, MANIFEST_MEDIA_TYPE);
    }
  }

  private static String descriptor(String mediaType, byte[] content) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + Digests.sha256(content)
        + "\",\"size\":"
        + content.length
        + "}";
  }
}
