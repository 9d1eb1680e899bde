package dev.ociregistry.core.testing;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.layout.StoredBlob;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.IndexBuilder;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Artifacts.ManifestBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What core's tests put straight into an {@link OciRegistry}, below HTTP. The bytes, descriptors
 * and manifest bodies themselves come from the test kit's {@link Artifacts}.
 */
public final class TestContent {
  private TestContent() {}

  /** Stores {@code content} as a blob of {@code repository}. */
  public static StoredBlob pushBlob(OciRegistry registry, RepositoryName repository, byte[] content)
      throws IOException {
    return registry
        .blobs()
        .put(repository, Digest.sha256(content), new ByteArrayInputStream(content), content.length);
  }

  /** Stores {@code blob} in {@code repository}. */
  public static StoredBlob pushBlob(OciRegistry registry, RepositoryName repository, Blob blob)
      throws IOException {
    return pushBlob(registry, repository, blob.content());
  }

  /**
   * Stores every blob {@code manifest} references (its config and layers) in {@code repository}, so
   * that the manifest itself can be put next.
   */
  public static void pushBlobs(OciRegistry registry, RepositoryName repository, Manifest manifest)
      throws IOException {
    for (Blob blob : manifest.blobs()) {
      pushBlob(registry, repository, blob);
    }
  }

  // The rest serves the tests under gc/ and concurrency/ until they build with Artifacts too.

  /** {@link Artifacts#content(int, long)}. */
  /**
   * Sets every blob and repository file under {@code root} (links, refs) to 30 days old, far older
   * than any grace period a test uses, as if the store had sat idle.
   */
  public static void makeEverythingOld(java.nio.file.Path root) throws IOException {
    java.nio.file.attribute.FileTime longAgo =
        java.nio.file.attribute.FileTime.from(
            java.time.Instant.now().minus(java.time.Duration.ofDays(30)));
    for (String directory : List.of("blobs", "repositories")) {
      java.nio.file.Path tree = root.resolve(directory);
      if (!java.nio.file.Files.isDirectory(tree)) {
        continue;
      }
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(tree)) {
        for (java.nio.file.Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
          java.nio.file.Files.setLastModifiedTime(file, longAgo);
        }
      }
    }
  }

  public static byte[] bytes(int size, long seed) {
    return Artifacts.content(size, seed);
  }

  /** {@link Artifacts#utf8(String)}. */
  public static byte[] utf8(String text) {
    return Artifacts.utf8(text);
  }

  /**
   * The body of an OCI image over a config and gzipped layers, with {@code extra} top-level fields;
   * built by {@link Artifacts#image()}.
   */
  public static byte[] imageManifest(
      byte[] config, List<byte[]> layers, Map<String, Object> extra) {
    ManifestBuilder image = Artifacts.image().config(Artifacts.blob(Artifacts.OCI_CONFIG, config));
    for (byte[] layer : layers) {
      image.layer(Artifacts.blob(Artifacts.OCI_LAYER_GZIP, layer));
    }
    extra.forEach(image::field);
    return image.build().content();
  }

  /**
   * The body of an OCI image index over child manifest bodies, with {@code extra} top-level fields;
   * built by {@link Artifacts#index()}.
   */
  public static byte[] imageIndex(List<byte[]> manifests, Map<String, Object> extra) {
    IndexBuilder index = Artifacts.index();
    for (byte[] manifest : manifests) {
      index.manifest(Artifacts.manifest(Artifacts.OCI_MANIFEST, manifest));
    }
    extra.forEach(index::field);
    return index.build().content();
  }

  /** A {@code subject} field pointing at a manifest body, for referrers. */
  public static Map<String, Object> subject(byte[] manifest) {
    return Map.of("subject", Artifacts.manifest(Artifacts.OCI_MANIFEST, manifest).descriptor());
  }
}
