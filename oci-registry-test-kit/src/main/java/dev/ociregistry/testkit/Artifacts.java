package dev.ociregistry.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Images, indexes and artifacts as the exact bytes a client pushes, with their digests: what tests
 * push, through {@link Pusher} or straight into a store. Bodies are built as ordered JSON maps, so
 * a test can add any field (an annotation, a {@code subject}) or leave one out to make a bad one.
 */
public final class Artifacts {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** The empty JSON config ({@code {}}) of artifact manifests. */
  public static final Blob EMPTY_CONFIG = blob(OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));

  private static final ObjectMapper JSON = new ObjectMapper();

  private Artifacts() {}

  /** A blob: its media type (as descriptors name it), bytes and digest. */
  public record Blob(String mediaType, byte[] content, String digest) {
    public long size() {
      return content.length;
    }

    /** A descriptor of this blob, as a mutable ordered map a test may add fields to. */
    public Map<String, Object> descriptor() {
      return Artifacts.descriptor(mediaType, digest, content.length);
    }
  }

  /**
   * A manifest or index: its media type, exact bytes, digest, and the blobs it references (what a
   * push must send before the manifest).
   */
  public record Manifest(String mediaType, byte[] content, String digest, List<Blob> blobs) {
    public long size() {
      return content.length;
    }

    public Map<String, Object> descriptor() {
      return Artifacts.descriptor(mediaType, digest, content.length);
    }

    /** This manifest as a blob, for stores that keep manifests among blobs. */
    public Blob asBlob() {
      return new Blob(mediaType, content, digest);
    }
  }

  /** {@code size} pseudo-random bytes, the same for the same seed. */
  public static byte[] content(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  /** {@code text} as UTF-8 bytes. */
  public static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  public static Blob blob(String mediaType, byte[] content) {
    return new Blob(mediaType, content, Digests.sha256(content));
  }

  /**
   * A manifest of exactly {@code content} (bytes a test wrote by hand, or that no builder makes),
   * with no blobs of its own to push.
   */
  public static Manifest manifest(String mediaType, byte[] content) {
    return new Manifest(mediaType, content, Digests.sha256(content), List.of());
  }

  /** An OCI layer of {@code text} as UTF-8. */
  public static Blob layer(String text) {
    return blob(OCI_LAYER, text.getBytes(StandardCharsets.UTF_8));
  }

  /** An OCI config whose only field names {@code seed}, so each seed gives another digest. */
  public static Blob config(String seed) {
    return blob(OCI_CONFIG, bytes(Map.of("seed", seed)));
  }

  /** A small OCI image (a config and one layer, both made from {@code seed}). */
  public static Manifest image(String seed) {
    return image().config(config(seed)).layer(layer("layer of " + seed)).build();
  }

  /** An image or artifact manifest to build; OCI media types unless told otherwise. */
  public static ManifestBuilder image() {
    return new ManifestBuilder(OCI_MANIFEST);
  }

  /** An image index (or Docker manifest list) to build. */
  public static IndexBuilder index() {
    return new IndexBuilder(OCI_INDEX);
  }

  /** A descriptor as a mutable ordered map. */
  public static Map<String, Object> descriptor(String mediaType, String digest, long size) {
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", digest);
    descriptor.put("size", size);
    return descriptor;
  }

  /** A descriptor of {@code content} as {@code mediaType}, as a mutable ordered map. */
  public static Map<String, Object> descriptor(String mediaType, byte[] content) {
    return descriptor(mediaType, Digests.sha256(content), content.length);
  }

  /** {@code json} (maps, lists, strings, numbers) as compact JSON bytes. */
  public static byte[] bytes(Object json) {
    try {
      return JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON-writable: " + json, e);
    }
  }

  /** What image and index builders share: top-level fields in order. */
  private abstract static class Builder<B extends Builder<B>> {
    final Map<String, Object> body = new LinkedHashMap<>();
    final Map<String, String> annotations = new LinkedHashMap<>();

    Builder(String mediaType) {
      body.put("schemaVersion", 2);
      body.put("mediaType", mediaType);
    }

    abstract B self();

    public B mediaType(String mediaType) {
      body.put("mediaType", mediaType);
      return self();
    }

    public B artifactType(String artifactType) {
      body.put("artifactType", artifactType);
      return self();
    }

    /** Makes this a referrer of {@code subject}. */
    public B subject(Manifest subject) {
      body.put("subject", subject.descriptor());
      return self();
    }

    public B annotation(String key, String value) {
      annotations.put(key, value);
      return self();
    }

    /** Any top-level field, or null to remove one. */
    public B field(String name, Object value) {
      if (value == null) {
        body.remove(name);
      } else {
        body.put(name, value);
      }
      return self();
    }

    Manifest build(List<Blob> blobs) {
      Map<String, Object> json = new LinkedHashMap<>(body);
      if (!annotations.isEmpty()) {
        json.put("annotations", annotations);
      }
      byte[] content = bytes(json);
      String mediaType = String.valueOf(body.get("mediaType"));
      return new Manifest(mediaType, content, Digests.sha256(content), List.copyOf(blobs));
    }
  }

  /** Builds an image manifest, or an artifact manifest with {@link #artifactType}. */
  public static final class ManifestBuilder extends Builder<ManifestBuilder> {
    private Blob config = EMPTY_CONFIG;
    private Map<String, Object> configDescriptor = EMPTY_CONFIG.descriptor();
    private final List<Blob> layers = new ArrayList<>();
    private final List<Map<String, Object>> layerDescriptors = new ArrayList<>();

    private ManifestBuilder(String mediaType) {
      super(mediaType);
    }

    @Override
    ManifestBuilder self() {
      return this;
    }

    /** The config; {@link #EMPTY_CONFIG} unless set. */
    public ManifestBuilder config(Blob config) {
      return config(config, Map.of());
    }

    /**
     * The config, whose descriptor carries {@code fields} after its media type, digest and size
     * (inline {@code data}), or replaces one of them (a {@code size} that lies), in the map's
     * order.
     */
    public ManifestBuilder config(Blob config, Map<String, ?> fields) {
      Map<String, Object> descriptor = config.descriptor();
      descriptor.putAll(fields);
      this.config = config;
      this.configDescriptor = descriptor;
      return this;
    }

    public ManifestBuilder layer(Blob layer) {
      return layer(layer, Map.of());
    }

    /**
     * A layer whose descriptor carries {@code fields} (annotations, urls) after its media type,
     * digest and size, in the map's order.
     */
    public ManifestBuilder layer(Blob layer, Map<String, ?> fields) {
      Map<String, Object> descriptor = layer.descriptor();
      descriptor.putAll(fields);
      layers.add(layer);
      layerDescriptors.add(descriptor);
      return this;
    }

    public Manifest build() {
      body.put("config", configDescriptor);
      body.put("layers", new ArrayList<Object>(layerDescriptors));
      List<Blob> blobs = new ArrayList<>();
      blobs.add(config);
      blobs.addAll(layers);
      return build(blobs);
    }
  }

  /**
   * Builds an image index over child manifests, each with its platform (linux/amd64 unless told).
   */
  public static final class IndexBuilder extends Builder<IndexBuilder> {
    private final List<Object> children = new ArrayList<>();

    private IndexBuilder(String mediaType) {
      super(mediaType);
    }

    @Override
    IndexBuilder self() {
      return this;
    }

    public IndexBuilder manifest(Manifest child) {
      return manifest(child, "linux", "amd64");
    }

    /** A child manifest for the platform {@code os}/{@code architecture}. */
    public IndexBuilder manifest(Manifest child, String os, String architecture) {
      Map<String, Object> descriptor = child.descriptor();
      Map<String, Object> platform = new LinkedHashMap<>();
      platform.put("architecture", architecture);
      platform.put("os", os);
      descriptor.put("platform", platform);
      children.add(descriptor);
      return this;
    }

    public Manifest build() {
      body.put("manifests", children);
      return build(List.of());
    }
  }
}
