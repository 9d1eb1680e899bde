package dev.ociregistry.core.manifest;

import static dev.ociregistry.core.testing.TestContent.pushBlob;
import static dev.ociregistry.core.testing.TestContent.pushBlobs;
import static dev.ociregistry.testkit.Artifacts.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.json.JsonObject;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.StoredManifest;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Artifacts.ManifestBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestStoreTest {
  private static final RepositoryName REPO = RepositoryName.parse("library/app");
  private static final RepositoryName OTHER = RepositoryName.parse("other/app");
  private static final Blob CONFIG =
      Artifacts.blob(MediaTypes.OCI_CONFIG, utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
  private static final Blob LAYER =
      Artifacts.blob(MediaTypes.OCI_LAYER_TAR_GZIP, Artifacts.content(4096, 1));
  private static final Blob SECOND_LAYER =
      Artifacts.blob(MediaTypes.OCI_LAYER_TAR_GZIP, Artifacts.content(1500, 2));
  private static final Blob DOCKER_CONFIG =
      Artifacts.blob(MediaTypes.DOCKER_CONFIG, CONFIG.content());
  private static final Blob DOCKER_LAYER = Artifacts.blob(Artifacts.DOCKER_LAYER, LAYER.content());
  private static final int FOUR_MIB = 4 * 1024 * 1024;

  @TempDir Path root;

  // ---------------------------------------------------------------- put, get, stat

  @Test
  void putByTagThenGetByTagAndByDigestReturnsExactBytesDigestAndMediaType() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());

      PushedManifest pushed =
          manifests(registry).put(REPO, tag("v1"), body, MediaTypes.OCI_MANIFEST);

      Digest expected = Digest.sha256(body);
      assertThat(pushed.digest()).isEqualTo(expected);
      for (Reference reference : List.of(tag("v1"), Reference.of(expected))) {
        StoredManifest stored = manifests(registry).get(REPO, reference).orElseThrow();
        assertThat(stored.content()).isEqualTo(body);
        assertThat(stored.digest()).isEqualTo(expected);
        assertThat(stored.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(stored.size()).isEqualTo(body.length);
      }
      assertThat(Files.readAllBytes(blobFile(expected))).isEqualTo(body);
    }
  }

  @Test
  void putKeepsUnusualWhitespaceAndKeyOrderByteForByte() throws IOException {
    try (OciRegistry registry = open()) {
      pushBlob(registry, REPO, CONFIG);
      pushBlob(registry, REPO, LAYER);
      String text =
          "\n\t {  \"layers\" :[ {\"size\":"
              + LAYER.size()
              + " ,\r\n \"digest\":\""
              + LAYER.digest()
              + "\",\"mediaType\":\""
              + MediaTypes.OCI_LAYER_TAR_GZIP
              + "\"}\n],\n\n  \"config\":{\"digest\" : \""
              + CONFIG.digest()
              + "\", \"size\":"
              + CONFIG.size()
              + ",\"mediaType\":\""
              + MediaTypes.OCI_CONFIG
              + "\"},\"mediaType\"   :\t\""
              + MediaTypes.OCI_MANIFEST
              + "\",  \"schemaVersion\":2, \"annotations\":{\"note\":\"caf\\u00e9 \u00fcber\"}} "
              + " \n";
      byte[] body = text.getBytes(StandardCharsets.UTF_8);

      PushedManifest pushed = manifests(registry).put(REPO, tag("odd"), body, null);

      assertThat(pushed.digest()).isEqualTo(Digest.sha256(body));
      StoredManifest byTag = manifests(registry).get(REPO, tag("odd")).orElseThrow();
      assertThat(byTag.content()).isEqualTo(body);
      assertThat(byTag.digest()).isEqualTo(Digest.sha256(body));
      assertThat(byTag.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      StoredManifest byDigest =
          manifests(registry).get(REPO, Reference.of(Digest.sha256(body))).orElseThrow();
      assertThat(byDigest.content()).isEqualTo(body);
    }
  }

  @Test
  void statReportsTheSameDigestMediaTypeAndSizeAsGetWithoutContent() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("v1"), body, MediaTypes.OCI_MANIFEST);

      for (Reference reference : List.of(tag("v1"), Reference.of(Digest.sha256(body)))) {
        StoredManifest head = manifests(registry).stat(REPO, reference).orElseThrow();
        StoredManifest get = manifests(registry).get(REPO, reference).orElseThrow();
        assertThat(head.digest()).isEqualTo(get.digest()).isEqualTo(Digest.sha256(body));
        assertThat(head.mediaType()).isEqualTo(get.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(head.size()).isEqualTo(get.size()).isEqualTo(body.length);
        assertThat(head.content()).isEmpty();
      }
    }
  }

  @Test
  void putByDigestStoresTheManifestWithoutTaggingIt() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      Digest digest = Digest.sha256(body);

      PushedManifest pushed =
          manifests(registry).put(REPO, Reference.of(digest), body, MediaTypes.OCI_MANIFEST);

      assertThat(pushed.digest()).isEqualTo(digest);
      assertThat(manifests(registry).get(REPO, Reference.of(digest)).orElseThrow().content())
          .isEqualTo(body);
      assertThat(manifests(registry).list(REPO)).containsExactly(digest);
      assertThat(registry.tags().list(REPO)).isEmpty();
      assertThat(indexRefNames()).isEmpty();
    }
  }

  @Test
  void putByDigestThatDoesNotMatchTheBodyIsDigestInvalidAndStoresNothing() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      byte[] otherBody = pushImageBlobsAndBuildManifest(registry, REPO, Map.of("a", "b"));
      Digest wrong = Digest.sha256(otherBody);

      assertCode(
          () -> manifests(registry).put(REPO, Reference.of(wrong), body, MediaTypes.OCI_MANIFEST),
          ErrorCode.DIGEST_INVALID);

      assertThat(manifests(registry).get(REPO, Reference.of(Digest.sha256(body)))).isEmpty();
      assertThat(manifests(registry).get(REPO, Reference.of(wrong))).isEmpty();
      assertThat(manifests(registry).list(REPO)).isEmpty();
      assertThat(blobFile(Digest.sha256(body))).doesNotExist();
      assertThat(blobFile(wrong)).doesNotExist();
    }
  }

  @Test
  void putBySha512DigestIsVerifiedWithThatAlgorithm() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      Digest sha512 = Digest.of(DigestAlgorithm.SHA512, body);

      PushedManifest pushed =
          manifests(registry).put(REPO, Reference.of(sha512), body, MediaTypes.OCI_MANIFEST);

      assertThat(pushed.digest()).isEqualTo(sha512);
      assertThat(manifests(registry).get(REPO, Reference.of(sha512)).orElseThrow().content())
          .isEqualTo(body);
    }
  }

  // ---------------------------------------------------------------- referenced blobs

  @Test
  void missingConfigIsManifestBlobUnknownAndStoresNothing() throws IOException {
    try (OciRegistry registry = open()) {
      pushBlob(registry, REPO, LAYER);
      byte[] body = Artifacts.image().config(CONFIG).layer(LAYER).build().content();

      assertPutRefused(
          registry, "v1", body, MediaTypes.OCI_MANIFEST, ErrorCode.MANIFEST_BLOB_UNKNOWN);
    }
  }

  @Test
  void missingLayerIsManifestBlobUnknownAndStoresNothing() throws IOException {
    try (OciRegistry registry = open()) {
      pushBlob(registry, REPO, CONFIG);
      pushBlob(registry, REPO, LAYER);
      byte[] body =
          Artifacts.image().config(CONFIG).layer(LAYER).layer(SECOND_LAYER).build().content();

      assertPutRefused(
          registry, "v1", body, MediaTypes.OCI_MANIFEST, ErrorCode.MANIFEST_BLOB_UNKNOWN);
    }
  }

  @Test
  void blobsPresentOnlyInAnotherRepositoryAreManifestBlobUnknown() throws IOException {
    try (OciRegistry registry = open()) {
      pushBlob(registry, OTHER, CONFIG);
      pushBlob(registry, OTHER, LAYER);
      byte[] body = Artifacts.image().config(CONFIG).layer(LAYER).build().content();
      manifests(registry).put(OTHER, tag("v1"), body, MediaTypes.OCI_MANIFEST);

      assertCode(
          () -> manifests(registry).put(REPO, tag("v1"), body, MediaTypes.OCI_MANIFEST),
          ErrorCode.MANIFEST_BLOB_UNKNOWN);

      pushBlob(registry, REPO, CONFIG);
      assertCode(
          () -> manifests(registry).put(REPO, tag("v1"), body, MediaTypes.OCI_MANIFEST),
          ErrorCode.MANIFEST_BLOB_UNKNOWN);
      assertThat(manifests(registry).get(REPO, tag("v1"))).isEmpty();
      assertThat(manifests(registry).get(REPO, Reference.of(Digest.sha256(body)))).isEmpty();
    }
  }

  @Test
  void descriptorSizeDifferentFromTheBlobIsManifestInvalid() throws IOException {
    try (OciRegistry registry = open()) {
      pushBlob(registry, REPO, CONFIG);
      pushBlob(registry, REPO, LAYER);
      byte[] body =
          Artifacts.image()
              .config(CONFIG)
              .layer(LAYER, Map.of("size", LAYER.size() + 1))
              .build()
              .content();

      assertPutRefused(registry, "v1", body, MediaTypes.OCI_MANIFEST, ErrorCode.MANIFEST_INVALID);
    }
  }

  @Test
  void configDescriptorSizeDifferentFromTheBlobIsManifestInvalid() throws IOException {
    try (OciRegistry registry = open()) {
      pushBlob(registry, REPO, CONFIG);
      pushBlob(registry, REPO, LAYER);
      byte[] body =
          Artifacts.image()
              .config(CONFIG, Map.of("size", CONFIG.size() - 1))
              .layer(LAYER)
              .build()
              .content();

      assertPutRefused(registry, "v1", body, MediaTypes.OCI_MANIFEST, ErrorCode.MANIFEST_INVALID);
    }
  }

  @Test
  void indexWhoseChildManifestIsMissingIsManifestBlobUnknown() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] present = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, Reference.of(Digest.sha256(present)), present, null);
      byte[] missing = pushImageBlobsAndBuildManifest(registry, REPO, Map.of("x", "y"));
      byte[] index =
          Artifacts.index()
              .manifest(ociManifest(present))
              .manifest(ociManifest(missing))
              .build()
              .content();

      assertPutRefused(
          registry, "multi", index, MediaTypes.OCI_INDEX, ErrorCode.MANIFEST_BLOB_UNKNOWN);
    }
  }

  @Test
  void indexWhoseChildManifestExistsOnlyInAnotherRepositoryIsManifestBlobUnknown()
      throws IOException {
    try (OciRegistry registry = open()) {
      byte[] child = pushImageBlobsAndBuildManifest(registry, OTHER, Map.of());
      manifests(registry).put(OTHER, tag("v1"), child, MediaTypes.OCI_MANIFEST);
      pushBlob(registry, REPO, CONFIG);
      pushBlob(registry, REPO, LAYER);
      byte[] index = Artifacts.index().manifest(ociManifest(child)).build().content();

      assertPutRefused(
          registry, "multi", index, MediaTypes.OCI_INDEX, ErrorCode.MANIFEST_BLOB_UNKNOWN);
    }
  }

  @Test
  void indexWhoseChildManifestsArePresentIsAccepted() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] amd64 = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      byte[] arm64 = pushImageBlobsAndBuildManifest(registry, REPO, Map.of("arch", "arm64"));
      manifests(registry).put(REPO, Reference.of(Digest.sha256(amd64)), amd64, null);
      manifests(registry).put(REPO, tag("arm64"), arm64, MediaTypes.OCI_MANIFEST);
      byte[] index =
          Artifacts.index()
              .manifest(ociManifest(amd64))
              .manifest(ociManifest(arm64))
              .build()
              .content();

      PushedManifest pushed =
          manifests(registry).put(REPO, tag("multi"), index, MediaTypes.OCI_INDEX);

      assertThat(pushed.digest()).isEqualTo(Digest.sha256(index));
      StoredManifest stored = manifests(registry).get(REPO, tag("multi")).orElseThrow();
      assertThat(stored.content()).isEqualTo(index);
      assertThat(stored.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
      assertThat(indexRefs()).containsEntry("library/app:multi", Digest.sha256(index));
    }
  }

  // ---------------------------------------------------------------- media types

  @Test
  void dockerSchema2ManifestIsAccepted() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushDockerManifest(registry, REPO);

      manifests(registry).put(REPO, tag("docker"), body, MediaTypes.DOCKER_MANIFEST);

      StoredManifest stored = manifests(registry).get(REPO, tag("docker")).orElseThrow();
      assertThat(stored.content()).isEqualTo(body);
      assertThat(stored.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
      assertThat(stored.digest()).isEqualTo(Digest.sha256(body));
      assertThat(manifests(registry).stat(REPO, tag("docker")).orElseThrow().mediaType())
          .isEqualTo(MediaTypes.DOCKER_MANIFEST);
    }
  }

  @Test
  void dockerManifestListIsAccepted() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] child = pushDockerManifest(registry, REPO);
      manifests(registry).put(REPO, Reference.of(Digest.sha256(child)), child, null);
      byte[] body =
          Artifacts.index()
              .mediaType(MediaTypes.DOCKER_MANIFEST_LIST)
              .manifest(Artifacts.manifest(MediaTypes.DOCKER_MANIFEST, child))
              .build()
              .content();

      manifests(registry).put(REPO, tag("list"), body, MediaTypes.DOCKER_MANIFEST_LIST);

      StoredManifest stored = manifests(registry).get(REPO, tag("list")).orElseThrow();
      assertThat(stored.content()).isEqualTo(body);
      assertThat(stored.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    }
  }

  @Test
  void artifactManifestWithArtifactTypeAndEmptyConfigIsAccepted() throws IOException {
    try (OciRegistry registry = open()) {
      assertThat(Digest.sha256(Artifacts.EMPTY_CONFIG.content()).toString())
          .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
      pushBlob(registry, REPO, Artifacts.EMPTY_CONFIG);
      Blob sbom = Artifacts.blob("application/spdx+json", utf8("{\"spdxVersion\":\"SPDX-2.3\"}"));
      pushBlob(registry, REPO, sbom);
      byte[] body =
          Artifacts.image()
              .artifactType("application/spdx+json")
              .config(Artifacts.EMPTY_CONFIG, Map.of("data", "e30="))
              .layer(sbom)
              .build()
              .content();

      manifests(registry).put(REPO, tag("sbom"), body, MediaTypes.OCI_MANIFEST);

      StoredManifest stored = manifests(registry).get(REPO, tag("sbom")).orElseThrow();
      assertThat(stored.content()).isEqualTo(body);
      assertThat(stored.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    }
  }

  @Test
  void artifactManifestWhoseOnlyLayerIsTheEmptyDescriptorIsAccepted() throws IOException {
    try (OciRegistry registry = open()) {
      pushBlob(registry, REPO, Artifacts.EMPTY_CONFIG);
      byte[] body =
          Artifacts.image()
              .artifactType("application/vnd.example.marker")
              .config(Artifacts.EMPTY_CONFIG)
              .layer(Artifacts.EMPTY_CONFIG)
              .build()
              .content();

      manifests(registry).put(REPO, tag("marker"), body, MediaTypes.OCI_MANIFEST);

      assertThat(manifests(registry).get(REPO, tag("marker")).orElseThrow().content())
          .isEqualTo(body);
    }
  }

  @Test
  void contentTypeDisagreeingWithTheBodyMediaTypeIsManifestInvalid() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] oci = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      byte[] docker = pushDockerManifest(registry, REPO);

      assertCode(
          () -> manifests(registry).put(REPO, tag("v1"), oci, MediaTypes.OCI_INDEX),
          ErrorCode.MANIFEST_INVALID);
      assertCode(
          () -> manifests(registry).put(REPO, tag("v1"), oci, MediaTypes.DOCKER_MANIFEST),
          ErrorCode.MANIFEST_INVALID);
      assertCode(
          () -> manifests(registry).put(REPO, tag("v2"), docker, MediaTypes.OCI_MANIFEST),
          ErrorCode.MANIFEST_INVALID);

      assertNothingStored(registry, REPO, oci);
      assertThat(manifests(registry).get(REPO, Reference.of(Digest.sha256(docker)))).isEmpty();
    }
  }

  @Test
  void bodyWithoutMediaTypeIsStoredWithTheDeclaredContentType() throws IOException {
    try (OciRegistry registry = open()) {
      pushBlob(registry, REPO, CONFIG);
      pushBlob(registry, REPO, LAYER);
      byte[] body =
          Artifacts.image().field("mediaType", null).config(CONFIG).layer(LAYER).build().content();

      manifests(registry).put(REPO, tag("v1"), body, MediaTypes.OCI_MANIFEST);

      StoredManifest stored = manifests(registry).get(REPO, tag("v1")).orElseThrow();
      assertThat(stored.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(stored.content()).isEqualTo(body);
    }
  }

  @Test
  void layerWithUrlsNeedNotBePresentInTheRepository() throws IOException {
    try (OciRegistry registry = open()) {
      pushBlob(registry, REPO, CONFIG);
      pushBlob(registry, REPO, LAYER);
      Blob foreign =
          Artifacts.blob(
              "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", SECOND_LAYER.content());
      byte[] body =
          Artifacts.image()
              .mediaType(MediaTypes.DOCKER_MANIFEST)
              .config(DOCKER_CONFIG)
              .layer(foreign, Map.of("urls", List.of("https://example.com/layer.tar.gz")))
              .layer(DOCKER_LAYER)
              .build()
              .content();

      manifests(registry).put(REPO, tag("foreign"), body, MediaTypes.DOCKER_MANIFEST);

      assertThat(manifests(registry).get(REPO, tag("foreign")).orElseThrow().content())
          .isEqualTo(body);
    }
  }

  // ---------------------------------------------------------------- size limit

  @Test
  void bodyOverFourMibIsManifestTooLargeWith413AndStoresNothing() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = padTo(pushImageBlobsAndBuildManifest(registry, REPO, Map.of()), FOUR_MIB + 1);

      assertThatThrownBy(
              () -> manifests(registry).put(REPO, tag("big"), body, MediaTypes.OCI_MANIFEST))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_TOO_LARGE);
                assertThat(e.code().httpStatus()).isEqualTo(413);
              });

      assertNothingStored(registry, REPO, body);
    }
  }

  @Test
  void bodyOfExactlyFourMibIsNotRefusedForSize() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = padTo(pushImageBlobsAndBuildManifest(registry, REPO, Map.of()), FOUR_MIB);
      assertThat(body).hasSize(FOUR_MIB);

      PushedManifest pushed =
          manifests(registry).put(REPO, tag("big"), body, MediaTypes.OCI_MANIFEST);

      assertThat(pushed.digest()).isEqualTo(Digest.sha256(body));
      StoredManifest stored = manifests(registry).get(REPO, tag("big")).orElseThrow();
      assertThat(stored.size()).isEqualTo(FOUR_MIB);
      assertThat(Arrays.equals(stored.content(), body)).isTrue();
      assertThat(manifests(registry).stat(REPO, tag("big")).orElseThrow().size())
          .isEqualTo(FOUR_MIB);
    }
  }

  // ---------------------------------------------------------------- delete

  @Test
  void deleteByDigestRemovesTheManifestAndEveryTagPointingAtIt() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] doomed = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      byte[] kept = pushImageBlobsAndBuildManifest(registry, REPO, Map.of("k", "v"));
      manifests(registry).put(REPO, tag("a"), doomed, MediaTypes.OCI_MANIFEST);
      manifests(registry).put(REPO, tag("b"), doomed, MediaTypes.OCI_MANIFEST);
      manifests(registry).put(REPO, tag("c"), kept, MediaTypes.OCI_MANIFEST);
      pushImageBlobsAndBuildManifest(registry, OTHER, Map.of());
      manifests(registry).put(OTHER, tag("a"), doomed, null);

      manifests(registry).delete(REPO, Digest.sha256(doomed));

      assertThat(manifests(registry).get(REPO, Reference.of(Digest.sha256(doomed)))).isEmpty();
      assertThat(manifests(registry).stat(REPO, Reference.of(Digest.sha256(doomed)))).isEmpty();
      assertThat(manifests(registry).get(REPO, tag("a"))).isEmpty();
      assertThat(manifests(registry).get(REPO, tag("b"))).isEmpty();
      assertThat(registry.tags().list(REPO)).containsExactly(Tag.parse("c"));
      assertThat(manifests(registry).get(REPO, tag("c")).orElseThrow().content()).isEqualTo(kept);
      assertThat(manifests(registry).list(REPO)).containsExactly(Digest.sha256(kept));
      assertThat(indexRefs())
          .containsOnly(
              Map.entry("library/app:c", Digest.sha256(kept)),
              Map.entry("other/app:a", Digest.sha256(doomed)));
      assertThat(manifests(registry).get(OTHER, tag("a")).orElseThrow().content())
          .isEqualTo(doomed);
    }
  }

  @Test
  void deleteTagRemovesOnlyTheTag() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("a"), body, MediaTypes.OCI_MANIFEST);
      manifests(registry).put(REPO, tag("b"), body, MediaTypes.OCI_MANIFEST);

      manifests(registry).deleteTag(REPO, Tag.parse("a"));

      assertThat(manifests(registry).get(REPO, tag("a"))).isEmpty();
      assertThat(
              manifests(registry)
                  .get(REPO, Reference.of(Digest.sha256(body)))
                  .orElseThrow()
                  .content())
          .isEqualTo(body);
      assertThat(manifests(registry).get(REPO, tag("b")).orElseThrow().content()).isEqualTo(body);
      assertThat(registry.tags().list(REPO)).containsExactly(Tag.parse("b"));
      assertThat(indexRefs()).containsOnlyKeys("library/app:b");
    }
  }

  @Test
  void deletingAnUnknownManifestOrTagIsManifestUnknown() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, OTHER, Map.of());
      manifests(registry).put(OTHER, tag("v1"), body, MediaTypes.OCI_MANIFEST);

      assertCode(
          () -> manifests(registry).delete(REPO, Digest.sha256(utf8("nothing"))),
          ErrorCode.MANIFEST_UNKNOWN);
      assertCode(
          () -> manifests(registry).delete(REPO, Digest.sha256(body)), ErrorCode.MANIFEST_UNKNOWN);
      assertCode(
          () -> manifests(registry).deleteTag(REPO, Tag.parse("v1")), ErrorCode.MANIFEST_UNKNOWN);
      assertCode(
          () -> manifests(registry).deleteTag(OTHER, Tag.parse("nope")),
          ErrorCode.MANIFEST_UNKNOWN);

      assertThat(manifests(registry).get(OTHER, tag("v1")).orElseThrow().content()).isEqualTo(body);
      assertThat(indexRefNames()).containsExactly("other/app:v1");
    }
  }

  @Test
  void deletingTheSameManifestTwiceIsManifestUnknownTheSecondTime() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("v1"), body, MediaTypes.OCI_MANIFEST);
      manifests(registry).delete(REPO, Digest.sha256(body));

      assertCode(
          () -> manifests(registry).delete(REPO, Digest.sha256(body)), ErrorCode.MANIFEST_UNKNOWN);
      assertCode(
          () -> manifests(registry).deleteTag(REPO, Tag.parse("v1")), ErrorCode.MANIFEST_UNKNOWN);
    }
  }

  // ---------------------------------------------------------------- unknown, isolation

  @Test
  void getAndStatOfAnUnknownTagOrDigestAreEmpty() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("v1"), body, MediaTypes.OCI_MANIFEST);
      Reference unknownDigest = Reference.of(Digest.sha256(utf8("never pushed")));

      assertThat(manifests(registry).get(REPO, tag("v2"))).isEmpty();
      assertThat(manifests(registry).get(REPO, unknownDigest)).isEmpty();
      assertThat(manifests(registry).stat(REPO, tag("v2"))).isEmpty();
      assertThat(manifests(registry).stat(REPO, unknownDigest)).isEmpty();
      assertThat(manifests(registry).get(RepositoryName.parse("never/pushed"), tag("v1")))
          .isEmpty();
    }
  }

  @Test
  void aBlobDigestIsNotAManifestOfTheRepository() throws IOException {
    try (OciRegistry registry = open()) {
      pushBlob(registry, REPO, CONFIG);

      Reference config = Reference.of(Digest.sha256(CONFIG.content()));
      assertThat(manifests(registry).get(REPO, config)).isEmpty();
      assertThat(manifests(registry).stat(REPO, config)).isEmpty();
    }
  }

  @Test
  void manifestPushedToOneRepositoryIsNotVisibleInAnother() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("v1"), body, MediaTypes.OCI_MANIFEST);
      Reference byDigest = Reference.of(Digest.sha256(body));

      assertThat(manifests(registry).get(OTHER, byDigest)).isEmpty();
      assertThat(manifests(registry).get(OTHER, tag("v1"))).isEmpty();
      assertThat(manifests(registry).stat(OTHER, byDigest)).isEmpty();
      assertThat(manifests(registry).stat(OTHER, tag("v1"))).isEmpty();
      assertThat(manifests(registry).list(OTHER)).isEmpty();
      assertThat(registry.tags().list(OTHER)).isEmpty();
      assertThat(manifests(registry).get(REPO, byDigest)).isPresent();
    }
  }

  // ---------------------------------------------------------------- referrers

  @Test
  void referrersAreListedForTheirSubjectAsDescriptorsOrderedByDigest() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] subject = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("v1"), subject, MediaTypes.OCI_MANIFEST);
      Digest subjectDigest = Digest.sha256(subject);

      List<Descriptor> expected = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String type = "application/vnd.example.sig." + i;
        Map<String, String> annotations = Map.of("org.example.n", Integer.toString(i));
        byte[] referrer = pushArtifact(registry, REPO, subject, type, annotations);
        PushedManifest pushed =
            manifests(registry)
                .put(
                    REPO, Reference.of(Digest.sha256(referrer)), referrer, MediaTypes.OCI_MANIFEST);
        assertThat(pushed.subject()).contains(subjectDigest);
        expected.add(
            new Descriptor(
                MediaTypes.OCI_MANIFEST,
                Digest.sha256(referrer),
                referrer.length,
                Optional.of(type),
                annotations));
      }
      expected.sort(Comparator.comparing(Descriptor::digest));

      List<Descriptor> referrers =
          manifests(registry).referrers(REPO, subjectDigest, Optional.empty());

      assertThat(referrers).containsExactlyElementsOf(expected);
      assertThat(referrers)
          .extracting(d -> d.digest().toString())
          .isSortedAccordingTo(Comparator.naturalOrder());
    }
  }

  @Test
  void referrerWithoutArtifactTypeReportsItsConfigMediaType() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] subject = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("v1"), subject, MediaTypes.OCI_MANIFEST);
      Blob config =
          Artifacts.blob(
              "application/vnd.example.signature.config+json", utf8("{\"kind\":\"signature\"}"));
      pushBlob(registry, REPO, config);
      pushBlob(registry, REPO, LAYER);
      byte[] referrer =
          Artifacts.image()
              .subject(ociManifest(subject))
              .config(config)
              .layer(LAYER)
              .annotation("created", "2024-01-01T00:00:00Z")
              .build()
              .content();
      manifests(registry).put(REPO, Reference.of(Digest.sha256(referrer)), referrer, null);

      List<Descriptor> referrers =
          manifests(registry).referrers(REPO, Digest.sha256(subject), Optional.empty());

      assertThat(referrers)
          .containsExactly(
              new Descriptor(
                  MediaTypes.OCI_MANIFEST,
                  Digest.sha256(referrer),
                  referrer.length,
                  Optional.of("application/vnd.example.signature.config+json"),
                  Map.of("created", "2024-01-01T00:00:00Z")));
    }
  }

  @Test
  void indexWithSubjectIsAReferrerWithItsArtifactType() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] subject = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("v1"), subject, MediaTypes.OCI_MANIFEST);
      byte[] child = pushImageBlobsAndBuildManifest(registry, REPO, Map.of("c", "1"));
      manifests(registry).put(REPO, Reference.of(Digest.sha256(child)), child, null);
      byte[] index =
          Artifacts.index()
              .subject(ociManifest(subject))
              .artifactType("application/vnd.example.bundle")
              .manifest(ociManifest(child))
              .build()
              .content();

      PushedManifest pushed =
          manifests(registry).put(REPO, Reference.of(Digest.sha256(index)), index, null);

      assertThat(pushed.subject()).contains(Digest.sha256(subject));
      assertThat(manifests(registry).referrers(REPO, Digest.sha256(subject), Optional.empty()))
          .containsExactly(
              new Descriptor(
                  MediaTypes.OCI_INDEX,
                  Digest.sha256(index),
                  index.length,
                  Optional.of("application/vnd.example.bundle"),
                  Map.of()));
    }
  }

  @Test
  void referrersCanBeFilteredByArtifactType() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] subject = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("v1"), subject, MediaTypes.OCI_MANIFEST);
      Digest subjectDigest = Digest.sha256(subject);
      List<Digest> signatures = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        byte[] signature =
            pushArtifact(
                registry,
                REPO,
                subject,
                "application/vnd.example.signature",
                Map.of("n", Integer.toString(i)));
        manifests(registry).put(REPO, Reference.of(Digest.sha256(signature)), signature, null);
        signatures.add(Digest.sha256(signature));
      }
      byte[] sbom = pushArtifact(registry, REPO, subject, "application/spdx+json", Map.of());
      manifests(registry).put(REPO, Reference.of(Digest.sha256(sbom)), sbom, null);
      signatures.sort(null);

      assertThat(
              manifests(registry)
                  .referrers(REPO, subjectDigest, Optional.of("application/vnd.example.signature")))
          .extracting(Descriptor::digest)
          .containsExactlyElementsOf(signatures);
      assertThat(
              manifests(registry)
                  .referrers(REPO, subjectDigest, Optional.of("application/spdx+json")))
          .extracting(Descriptor::digest)
          .containsExactly(Digest.sha256(sbom));
      assertThat(
              manifests(registry)
                  .referrers(REPO, subjectDigest, Optional.of("application/vnd.example.none")))
          .isEmpty();
      assertThat(manifests(registry).referrers(REPO, subjectDigest, Optional.empty())).hasSize(4);
    }
  }

  @Test
  void deletedReferrerDisappearsFromTheList() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] subject = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("v1"), subject, MediaTypes.OCI_MANIFEST);
      byte[] first = pushArtifact(registry, REPO, subject, "application/vnd.example.a", Map.of());
      byte[] second = pushArtifact(registry, REPO, subject, "application/vnd.example.b", Map.of());
      manifests(registry).put(REPO, Reference.of(Digest.sha256(first)), first, null);
      manifests(registry).put(REPO, tag("second-sig"), second, null);

      manifests(registry).delete(REPO, Digest.sha256(first));

      assertThat(manifests(registry).referrers(REPO, Digest.sha256(subject), Optional.empty()))
          .extracting(Descriptor::digest)
          .containsExactly(Digest.sha256(second));

      manifests(registry).delete(REPO, Digest.sha256(second));

      assertThat(manifests(registry).referrers(REPO, Digest.sha256(subject), Optional.empty()))
          .isEmpty();
    }
  }

  @Test
  void referrersOfASubjectThatWasNeverPushedAreListed() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] absentSubject =
          Artifacts.image()
              .config(Artifacts.blob(MediaTypes.OCI_CONFIG, utf8("{\"never\":true}")))
              .layer(Artifacts.blob(MediaTypes.OCI_LAYER_TAR_GZIP, Artifacts.content(10, 99)))
              .build()
              .content();
      byte[] referrer =
          pushArtifact(registry, REPO, absentSubject, "application/vnd.example.sig", Map.of());

      PushedManifest pushed =
          manifests(registry).put(REPO, Reference.of(Digest.sha256(referrer)), referrer, null);

      assertThat(pushed.subject()).contains(Digest.sha256(absentSubject));
      assertThat(manifests(registry).get(REPO, Reference.of(Digest.sha256(absentSubject))))
          .isEmpty();
      assertThat(
              manifests(registry).referrers(REPO, Digest.sha256(absentSubject), Optional.empty()))
          .extracting(Descriptor::digest, Descriptor::artifactType)
          .containsExactly(
              tuple(Digest.sha256(referrer), Optional.of("application/vnd.example.sig")));
    }
  }

  @Test
  void referrersAreListedOnlyInTheRepositoryTheyWerePushedTo() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] subject = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());
      manifests(registry).put(REPO, tag("v1"), subject, MediaTypes.OCI_MANIFEST);
      pushImageBlobsAndBuildManifest(registry, OTHER, Map.of());
      manifests(registry).put(OTHER, tag("v1"), subject, MediaTypes.OCI_MANIFEST);
      byte[] referrer =
          pushArtifact(registry, REPO, subject, "application/vnd.example.sig", Map.of());
      manifests(registry).put(REPO, Reference.of(Digest.sha256(referrer)), referrer, null);

      assertThat(manifests(registry).referrers(REPO, Digest.sha256(subject), Optional.empty()))
          .hasSize(1);
      assertThat(manifests(registry).referrers(OTHER, Digest.sha256(subject), Optional.empty()))
          .isEmpty();
    }
  }

  @Test
  void pushedManifestHasNoSubjectWhenItIsNotAReferrer() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushImageBlobsAndBuildManifest(registry, REPO, Map.of());

      PushedManifest pushed =
          manifests(registry).put(REPO, tag("v1"), body, MediaTypes.OCI_MANIFEST);

      assertThat(pushed.subject()).isEmpty();
      assertThat(manifests(registry).referrers(REPO, Digest.sha256(body), Optional.empty()))
          .isEmpty();
    }
  }

  // ---------------------------------------------------------------- helpers

  private OciRegistry open() throws IOException {
    OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults());
    // index.json is rebuilt in the background as the registry opens; the tests read it.
    registry.recoveryProblems();
    return registry;
  }

  private static ManifestStore manifests(OciRegistry registry) {
    return registry.manifests();
  }

  private static Reference tag(String tag) {
    return Reference.of(Tag.parse(tag));
  }

  /** Pushes the config and layer of an OCI image with {@code annotations}; returns its body. */
  private static byte[] pushImageBlobsAndBuildManifest(
      OciRegistry registry, RepositoryName repository, Map<String, String> annotations)
      throws IOException {
    ManifestBuilder image = Artifacts.image().config(CONFIG).layer(LAYER);
    annotations.forEach(image::annotation);
    return pushBlobsOf(registry, repository, image.build());
  }

  private static byte[] pushDockerManifest(OciRegistry registry, RepositoryName repository)
      throws IOException {
    return pushBlobsOf(
        registry,
        repository,
        Artifacts.image()
            .mediaType(MediaTypes.DOCKER_MANIFEST)
            .config(DOCKER_CONFIG)
            .layer(DOCKER_LAYER)
            .build());
  }

  /** An artifact manifest (empty config, one layer) that refers to {@code subject}. */
  private static byte[] pushArtifact(
      OciRegistry registry,
      RepositoryName repository,
      byte[] subject,
      String artifactType,
      Map<String, String> annotations)
      throws IOException {
    ManifestBuilder artifact =
        Artifacts.image()
            .artifactType(artifactType)
            .subject(ociManifest(subject))
            .config(Artifacts.EMPTY_CONFIG)
            .layer(
                Artifacts.blob(
                    "application/octet-stream",
                    utf8("payload of " + artifactType + " " + annotations)));
    annotations.forEach(artifact::annotation);
    return pushBlobsOf(registry, repository, artifact.build());
  }

  /** Pushes the blobs {@code manifest} references; returns its body. */
  private static byte[] pushBlobsOf(
      OciRegistry registry, RepositoryName repository, Manifest manifest) throws IOException {
    pushBlobs(registry, repository, manifest);
    return manifest.content();
  }

  /** An OCI image manifest of exactly {@code body}, to name as a subject or an index's child. */
  private static Manifest ociManifest(byte[] body) {
    return Artifacts.manifest(MediaTypes.OCI_MANIFEST, body);
  }

  /** {@code body} followed by spaces (valid JSON whitespace) up to {@code size} bytes. */
  private static byte[] padTo(byte[] body, int size) {
    byte[] padded = Arrays.copyOf(body, size);
    Arrays.fill(padded, body.length, size, (byte) ' ');
    return padded;
  }

  private Path blobFile(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm().id()).resolve(digest.hex());
  }

  /** Putting {@code body} in {@link #REPO} fails with {@code code} and stores nothing. */
  private void assertPutRefused(
      OciRegistry registry, String tag, byte[] body, String contentType, ErrorCode code)
      throws IOException {
    assertCode(() -> manifests(registry).put(REPO, tag(tag), body, contentType), code);
    assertNothingStored(registry, REPO, body);
  }

  private void assertNothingStored(OciRegistry registry, RepositoryName repository, byte[] body)
      throws IOException {
    Digest digest = Digest.sha256(body);
    assertThat(manifests(registry).get(repository, Reference.of(digest))).isEmpty();
    assertThat(manifests(registry).list(repository)).doesNotContain(digest);
    assertThat(registry.tags().list(repository)).isEmpty();
    assertThat(blobFile(digest)).doesNotExist();
    assertThat(indexRefNames()).noneMatch(name -> name.startsWith(repository.value() + ":"));
  }

  private Map<String, Digest> indexRefs() throws IOException {
    Map<String, Digest> refs = new LinkedHashMap<>();
    JsonObject index = Json.parseObject(Files.readAllBytes(root.resolve("index.json")));
    for (JsonObject manifest : index.objects("manifests")) {
      String name = manifest.stringMap("annotations").get(MediaTypes.REF_NAME_ANNOTATION);
      assertThat(refs.put(name, Digest.parse(manifest.string("digest")))).isNull();
    }
    return refs;
  }

  private List<String> indexRefNames() throws IOException {
    return new ArrayList<>(indexRefs().keySet());
  }

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
