package dev.ociregistry.core.testing;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.layout.StoredBlob;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.RepositoryName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Content for tests: deterministic bytes, descriptors and manifest bodies. */
public final class TestContent {
  private TestContent() {}

  /** {@code size} pseudo-random bytes, the same for the same seed. */
  public static byte[] bytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  /** Stores {@code content} as a blob of {@code repository}. */
  public static StoredBlob pushBlob(OciRegistry registry, RepositoryName repository, byte[] content)
      throws IOException {
    return registry
        .blobs()
        .put(repository, Digest.sha256(content), new ByteArrayInputStream(content), content.length);
  }

  /** A descriptor as a JSON map. */
  public static Map<String, Object> descriptor(String mediaType, byte[] content) {
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", Digest.sha256(content).toString());
    descriptor.put("size", (long) content.length);
    return descriptor;
  }

  /** An OCI image manifest body over a config and layers, with optional extra top-level fields. */
  public static byte[] imageManifest(
      byte[] config, List<byte[]> layers, Map<String, Object> extra) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2L);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("config", descriptor(MediaTypes.OCI_CONFIG, config));
    List<Object> layerDescriptors = new ArrayList<>();
    for (byte[] layer : layers) {
      layerDescriptors.add(descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, layer));
    }
    manifest.put("layers", layerDescriptors);
    manifest.putAll(extra);
    return Json.writeBytes(manifest);
  }

  /** An OCI image index body over child manifest bodies. */
  public static byte[] imageIndex(List<byte[]> manifests, Map<String, Object> extra) {
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2L);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    List<Object> children = new ArrayList<>();
    for (byte[] manifest : manifests) {
      children.add(descriptor(MediaTypes.OCI_MANIFEST, manifest));
    }
    index.put("manifests", children);
    index.putAll(extra);
    return Json.writeBytes(index);
  }

  /** A subject field pointing at a manifest body, for referrers. */
  public static Map<String, Object> subject(byte[] manifest) {
    return Map.of("subject", descriptor(MediaTypes.OCI_MANIFEST, manifest));
  }

  /** UTF-8 bytes of {@code text}. */
  public static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
