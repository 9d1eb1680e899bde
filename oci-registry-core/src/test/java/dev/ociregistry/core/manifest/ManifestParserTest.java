package dev.ociregistry.core.manifest;

import static dev.ociregistry.core.testing.TestContent.descriptor;
import static dev.ociregistry.core.testing.TestContent.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.ErrorCode;
import dev.ociregistry.core.RegistryException;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.testing.TestContent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict parsing of manifest bodies and their agreement with the declared Content-Type. */
class ManifestParserTest {
  private static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  private static final String DOCKER_FOREIGN_LAYER =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
  private static final String SBOM_TYPE = "application/vnd.example.sbom.v1+json";

  private static final byte[] CONFIG = utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
  private static final byte[] LAYER_1 = TestContent.bytes(100, 1);
  private static final byte[] LAYER_2 = TestContent.bytes(200, 2);
  private static final byte[] EMPTY_JSON = utf8("{}");

  // ---- the accepted kinds ----

  @Test
  void parsesOciImageManifest() {
    byte[] body =
        TestContent.imageManifest(
            CONFIG, List.of(LAYER_1, LAYER_2), Map.of("annotations", Map.of("k", "v")));

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_MANIFEST);

    assertThat(document.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(document.isIndex()).isFalse();
    assertThat(document.config()).contains(desc(MediaTypes.OCI_CONFIG, CONFIG));
    assertThat(document.blobs())
        .containsExactly(
            desc(MediaTypes.OCI_CONFIG, CONFIG),
            desc(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1),
            desc(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_2));
    assertThat(document.manifests()).isEmpty();
    assertThat(document.subject()).isEmpty();
    assertThat(document.artifactType()).isEmpty();
    assertThat(document.annotations()).containsExactly(Map.entry("k", "v"));
  }

  @Test
  void parsesOciImageIndex() {
    byte[] child1 = TestContent.imageManifest(CONFIG, List.of(LAYER_1), Map.of());
    byte[] child2 = TestContent.imageManifest(CONFIG, List.of(LAYER_2), Map.of());
    byte[] body = TestContent.imageIndex(List.of(child1, child2), Map.of());

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_INDEX);

    assertThat(document.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(document.isIndex()).isTrue();
    assertThat(document.config()).isEmpty();
    assertThat(document.blobs()).isEmpty();
    assertThat(document.manifests())
        .containsExactly(
            desc(MediaTypes.OCI_MANIFEST, child1), desc(MediaTypes.OCI_MANIFEST, child2));
    assertThat(document.effectiveArtifactType()).isEmpty();
  }

  @Test
  void parsesEmptyOciImageIndex() {
    byte[] body = TestContent.imageIndex(List.of(), Map.of());

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_INDEX);

    assertThat(document.isIndex()).isTrue();
    assertThat(document.manifests()).isEmpty();
  }

  @Test
  void parsesDockerSchema2Manifest() {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2L);
    manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    manifest.put("config", descriptor(MediaTypes.DOCKER_CONFIG, CONFIG));
    manifest.put(
        "layers", List.of(descriptor(DOCKER_LAYER, LAYER_1), descriptor(DOCKER_LAYER, LAYER_2)));

    ManifestDocument document =
        ManifestParser.parse(Json.writeBytes(manifest), MediaTypes.DOCKER_MANIFEST);

    assertThat(document.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(document.isIndex()).isFalse();
    assertThat(document.config()).contains(desc(MediaTypes.DOCKER_CONFIG, CONFIG));
    assertThat(document.blobs())
        .containsExactly(
            desc(MediaTypes.DOCKER_CONFIG, CONFIG),
            desc(DOCKER_LAYER, LAYER_1),
            desc(DOCKER_LAYER, LAYER_2));
    assertThat(document.effectiveArtifactType()).contains(MediaTypes.DOCKER_CONFIG);
  }

  @Test
  void parsesDockerManifestList() {
    byte[] child = dockerManifest();
    Map<String, Object> entry = descriptor(MediaTypes.DOCKER_MANIFEST, child);
    entry.put("platform", Map.of("architecture", "amd64", "os", "linux"));
    Map<String, Object> list = new LinkedHashMap<>();
    list.put("schemaVersion", 2L);
    list.put("mediaType", MediaTypes.DOCKER_MANIFEST_LIST);
    list.put("manifests", List.of(entry));

    ManifestDocument document =
        ManifestParser.parse(Json.writeBytes(list), MediaTypes.DOCKER_MANIFEST_LIST);

    assertThat(document.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(document.isIndex()).isTrue();
    assertThat(document.blobs()).isEmpty();
    assertThat(document.manifests()).containsExactly(desc(MediaTypes.DOCKER_MANIFEST, child));
  }

  @Test
  void parsesArtifactManifestWithEmptyConfig() {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2L);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("artifactType", SBOM_TYPE);
    manifest.put("config", descriptor(MediaTypes.OCI_EMPTY, EMPTY_JSON));
    manifest.put("layers", List.of(descriptor("application/spdx+json", LAYER_1)));

    ManifestDocument document =
        ManifestParser.parse(Json.writeBytes(manifest), MediaTypes.OCI_MANIFEST);

    assertThat(document.artifactType()).contains(SBOM_TYPE);
    assertThat(document.effectiveArtifactType()).contains(SBOM_TYPE);
    assertThat(document.config()).contains(desc(MediaTypes.OCI_EMPTY, EMPTY_JSON));
    assertThat(document.blobs())
        .containsExactly(
            desc(MediaTypes.OCI_EMPTY, EMPTY_JSON), desc("application/spdx+json", LAYER_1));
    assertThat(document.config().orElseThrow().digest())
        .hasToString("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  }

  @Test
  void parsesManifestWithSubject() {
    byte[] subject = TestContent.imageManifest(CONFIG, List.of(LAYER_1), Map.of());
    Map<String, Object> extra = new LinkedHashMap<>(TestContent.subject(subject));
    extra.put("artifactType", SBOM_TYPE);
    byte[] body = TestContent.imageManifest(EMPTY_JSON, List.of(LAYER_2), extra);

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_MANIFEST);

    assertThat(document.subject()).contains(desc(MediaTypes.OCI_MANIFEST, subject));
    assertThat(document.artifactType()).contains(SBOM_TYPE);
  }

  @Test
  void parsesIndexWithSubjectAndArtifactType() {
    byte[] subject = TestContent.imageManifest(CONFIG, List.of(LAYER_1), Map.of());
    Map<String, Object> extra = new LinkedHashMap<>(TestContent.subject(subject));
    extra.put("artifactType", SBOM_TYPE);
    byte[] body = TestContent.imageIndex(List.of(subject), extra);

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_INDEX);

    assertThat(document.subject()).contains(desc(MediaTypes.OCI_MANIFEST, subject));
    assertThat(document.effectiveArtifactType()).contains(SBOM_TYPE);
  }

  @Test
  void keepsDescriptorArtifactTypeAndAnnotations() {
    Map<String, Object> layer = descriptor(MediaTypes.OCI_LAYER_TAR, LAYER_1);
    layer.put("annotations", Map.of("org.opencontainers.image.title", "file.txt"));
    Map<String, Object> child = descriptor(MediaTypes.OCI_MANIFEST, LAYER_2);
    child.put("artifactType", SBOM_TYPE);
    byte[] manifest = manifestWith(Map.of("layers", List.of(layer)));
    byte[] index = indexWith(Map.of("manifests", List.of(child)));

    Descriptor parsedLayer = ManifestParser.parse(manifest, null).blobs().get(1);
    Descriptor parsedChild = ManifestParser.parse(index, null).manifests().get(0);

    assertThat(parsedLayer.annotations())
        .containsExactly(Map.entry("org.opencontainers.image.title", "file.txt"));
    assertThat(parsedChild.artifactType()).contains(SBOM_TYPE);
  }

  // ---- Content-Type against mediaType ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        MediaTypes.OCI_MANIFEST,
        MediaTypes.OCI_MANIFEST + "; charset=utf-8",
        MediaTypes.OCI_MANIFEST + ";charset=UTF-8",
        " " + MediaTypes.OCI_MANIFEST + " ",
        "Application/VND.OCI.Image.Manifest.v1+JSON"
      })
  void acceptsAgreeingContentType(String contentType) {
    byte[] body = TestContent.imageManifest(CONFIG, List.of(LAYER_1), Map.of());

    assertThat(ManifestParser.parse(body, contentType).mediaType())
        .isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void acceptsAgreeingContentTypeWithParameterForAnIndex() {
    byte[] body = TestContent.imageIndex(List.of(), Map.of());

    assertThat(ManifestParser.parse(body, MediaTypes.OCI_INDEX + "; charset=utf-8").isIndex())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        MediaTypes.OCI_INDEX,
        MediaTypes.DOCKER_MANIFEST,
        MediaTypes.DOCKER_MANIFEST_LIST,
        MediaTypes.OCI_MANIFEST + "x",
        "application/vnd.oci.image.manifest.v2+json",
        "text/plain"
      })
  void rejectsDisagreeingContentTypeWithManifestInvalid(String contentType) {
    byte[] body = TestContent.imageManifest(CONFIG, List.of(LAYER_1), Map.of());

    assertManifestInvalid(body, contentType);
  }

  @Test
  void rejectsIndexBodyUnderManifestContentTypeWithManifestInvalid() {
    byte[] body = TestContent.imageIndex(List.of(), Map.of());

    assertManifestInvalid(body, MediaTypes.OCI_MANIFEST);
    assertManifestInvalid(body, MediaTypes.DOCKER_MANIFEST_LIST);
  }

  @Test
  void withoutContentTypeTheBodyMediaTypeIsUsed() {
    byte[] manifest = TestContent.imageManifest(CONFIG, List.of(LAYER_1), Map.of());
    byte[] index = TestContent.imageIndex(List.of(manifest), Map.of());

    assertThat(ManifestParser.parse(manifest, null).mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(ManifestParser.parse(index, null).mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(ManifestParser.parse(dockerManifest(), null).mediaType())
        .isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(ManifestParser.parse(manifest, "").mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void withoutBodyMediaTypeTheContentTypeIsUsed() {
    byte[] manifest = manifestWith(Map.of("mediaType", Json.NULL));
    byte[] index = indexWith(Map.of("mediaType", Json.NULL));

    assertThat(ManifestParser.parse(manifest, MediaTypes.OCI_MANIFEST).mediaType())
        .isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(ManifestParser.parse(index, MediaTypes.OCI_INDEX + "; charset=utf-8").mediaType())
        .isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(ManifestParser.parse(index, MediaTypes.OCI_INDEX).isIndex()).isTrue();
  }

  @Test
  void withoutBodyMediaTypeTheContentTypeMustFitTheBody() {
    byte[] manifest =
        withoutMediaType(TestContent.imageManifest(CONFIG, List.of(LAYER_1), Map.of()));
    byte[] index = withoutMediaType(TestContent.imageIndex(List.of(), Map.of()));

    assertManifestInvalid(manifest, MediaTypes.OCI_INDEX);
    assertManifestInvalid(index, MediaTypes.OCI_MANIFEST);
    assertManifestInvalid(manifest, "text/plain");
  }

  @Test
  void withNeitherMediaTypeTheShapeDecides() {
    byte[] manifest =
        withoutMediaType(TestContent.imageManifest(CONFIG, List.of(LAYER_1), Map.of()));
    byte[] index = withoutMediaType(TestContent.imageIndex(List.of(), Map.of()));

    assertThat(ManifestParser.parse(manifest, null).mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(ManifestParser.parse(index, null).mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
        "application/vnd.docker.distribution.manifest.v1+json",
        "application/vnd.oci.artifact.manifest.v1+json",
        "application/json",
        ""
      })
  void rejectsUnsupportedBodyMediaTypeWithManifestInvalid(String mediaType) {
    byte[] body = manifestWith(Map.of("mediaType", mediaType));

    assertManifestInvalid(body, null);
  }

  // ---- structure ----

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 3, -2})
  void rejectsSchemaVersionOtherThanTwoWithManifestInvalid(long version) {
    assertManifestInvalid(manifestWith(Map.of("schemaVersion", version)), MediaTypes.OCI_MANIFEST);
  }

  @Test
  void rejectsMissingOrMistypedSchemaVersionWithManifestInvalid() {
    assertManifestInvalid(manifestWith(Map.of("schemaVersion", Json.NULL)), null);
    assertManifestInvalid(manifestWith(Map.of("schemaVersion", "2")), null);
    assertManifestInvalid(manifestWith(Map.of("schemaVersion", new BigDecimal("2.0"))), null);
    assertManifestInvalid(indexWith(Map.of("schemaVersion", 1L)), MediaTypes.OCI_INDEX);
  }

  @Test
  void rejectsIndexWithConfigOrLayersWithManifestInvalid() {
    Map<String, Object> config = descriptor(MediaTypes.OCI_CONFIG, CONFIG);

    assertManifestInvalid(indexWith(Map.of("config", config)), MediaTypes.OCI_INDEX);
    assertManifestInvalid(indexWith(Map.of("layers", List.of())), MediaTypes.OCI_INDEX);
  }

  @Test
  void rejectsIndexWithoutManifestsWithManifestInvalid() {
    assertManifestInvalid(indexWith(Map.of("manifests", Json.NULL)), MediaTypes.OCI_INDEX);
  }

  @Test
  void rejectsManifestWithManifestsWithManifestInvalid() {
    Map<String, Object> child = descriptor(MediaTypes.OCI_MANIFEST, LAYER_1);

    assertManifestInvalid(
        manifestWith(Map.of("manifests", List.of(child))), MediaTypes.OCI_MANIFEST);
    assertManifestInvalid(manifestWith(Map.of("manifests", List.of())), MediaTypes.OCI_MANIFEST);
  }

  @Test
  void rejectsManifestWithoutConfigWithManifestInvalid() {
    assertManifestInvalid(manifestWith(Map.of("config", Json.NULL)), MediaTypes.OCI_MANIFEST);
    assertManifestInvalid(manifestWith(Map.of("config", "x")), MediaTypes.OCI_MANIFEST);
  }

  @Test
  void rejectsDockerManifestWithoutLayersWithManifestInvalid() {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2L);
    manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    manifest.put("config", descriptor(MediaTypes.DOCKER_CONFIG, CONFIG));

    assertManifestInvalid(Json.writeBytes(manifest), MediaTypes.DOCKER_MANIFEST);
  }

  @Test
  void rejectsNegativeSizeWithManifestInvalid() {
    Map<String, Object> layer = descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1);
    layer.put("size", -1L);
    Map<String, Object> config = descriptor(MediaTypes.OCI_CONFIG, CONFIG);
    config.put("size", -100L);
    Map<String, Object> child = descriptor(MediaTypes.OCI_MANIFEST, LAYER_1);
    child.put("size", Long.MIN_VALUE);

    assertManifestInvalid(manifestWith(Map.of("layers", List.of(layer))), null);
    assertManifestInvalid(manifestWith(Map.of("config", config)), null);
    assertManifestInvalid(indexWith(Map.of("manifests", List.of(child))), null);
  }

  @Test
  void rejectsNonIntegerSizeWithManifestInvalid() {
    for (Object size :
        List.of("100", new BigDecimal("1.5"), new BigDecimal("1e400"), true, Json.NULL)) {
      Map<String, Object> layer = descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1);
      layer.put("size", size);

      assertManifestInvalid(manifestWith(Map.of("layers", List.of(layer))), null);
    }
  }

  @Test
  void rejectsBadDigestInALayerWithManifestInvalidNamingTheLayer() {
    Map<String, Object> good = descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1);
    Map<String, Object> bad = descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_2);
    bad.put("digest", "sha256:" + "A".repeat(64));
    byte[] body = manifestWith(Map.of("layers", List.of(good, bad)));

    assertThatThrownBy(() -> ManifestParser.parse(body, MediaTypes.OCI_MANIFEST))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID);
              assertThat(e.getMessage()).contains("layers[1]");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha256:abc",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        ""
      })
  void rejectsBadDigestsAnywhereWithManifestInvalid(String digest) {
    Map<String, Object> layer = descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1);
    layer.put("digest", digest);
    Map<String, Object> config = descriptor(MediaTypes.OCI_CONFIG, CONFIG);
    config.put("digest", digest);
    Map<String, Object> child = descriptor(MediaTypes.OCI_MANIFEST, LAYER_1);
    child.put("digest", digest);
    Map<String, Object> subject = descriptor(MediaTypes.OCI_MANIFEST, LAYER_1);
    subject.put("digest", digest);

    assertManifestInvalid(manifestWith(Map.of("layers", List.of(layer))), null);
    assertManifestInvalid(manifestWith(Map.of("config", config)), null);
    assertManifestInvalid(indexWith(Map.of("manifests", List.of(child))), null);
    assertManifestInvalid(manifestWith(Map.of("subject", subject)), null);
  }

  @Test
  void rejectsDescriptorWithoutMediaTypeOrDigestWithManifestInvalid() {
    Map<String, Object> noMediaType = descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1);
    noMediaType.remove("mediaType");
    Map<String, Object> blankMediaType = descriptor(" ", LAYER_1);
    Map<String, Object> noDigest = descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1);
    noDigest.remove("digest");
    Map<String, Object> noSize = descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1);
    noSize.remove("size");

    for (Map<String, Object> layer : List.of(noMediaType, blankMediaType, noDigest, noSize)) {
      assertManifestInvalid(manifestWith(Map.of("layers", List.of(layer))), null);
    }
  }

  @Test
  void rejectsEmptyArtifactTypeWithManifestInvalid() {
    assertManifestInvalid(manifestWith(Map.of("artifactType", "")), null);
    assertManifestInvalid(indexWith(Map.of("artifactType", " ")), null);
    assertManifestInvalid(manifestWith(Map.of("artifactType", 5L)), null);
  }

  @Test
  void rejectsNonStringAnnotationsWithManifestInvalid() {
    assertManifestInvalid(manifestWith(Map.of("annotations", Map.of("k", 1L))), null);
    assertManifestInvalid(manifestWith(Map.of("annotations", List.of())), null);
  }

  @Test
  void rejectsLayersThatAreNotObjectsWithManifestInvalid() {
    assertManifestInvalid(manifestWith(Map.of("layers", List.of("x"))), null);
    assertManifestInvalid(manifestWith(Map.of("layers", Map.of())), null);
    assertManifestInvalid(indexWith(Map.of("manifests", List.of(1L))), null);
  }

  // ---- blobs, urls and artifact type ----

  @Test
  void layersWithUrlsAreExcludedFromBlobs() {
    Map<String, Object> foreign = descriptor(DOCKER_FOREIGN_LAYER, LAYER_1);
    foreign.put("urls", List.of("https://example.com/layer.tar.gz"));
    Map<String, Object> local = descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_2);
    byte[] body = manifestWith(Map.of("layers", List.of(foreign, local)));

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_MANIFEST);

    assertThat(document.blobs())
        .containsExactly(
            desc(MediaTypes.OCI_CONFIG, CONFIG), desc(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_2));
  }

  @Test
  void layersWithAnEmptyUrlsListAreStillBlobs() {
    // An empty urls list names no place to fetch the layer from, so it must be in the repository.
    Map<String, Object> layer = descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1);
    layer.put("urls", List.of());
    byte[] body = manifestWith(Map.of("layers", List.of(layer)));

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_MANIFEST);

    assertThat(document.blobs())
        .containsExactly(
            desc(MediaTypes.OCI_CONFIG, CONFIG), desc(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1));
  }

  @Test
  void ociManifestWithoutLayersHasOnlyItsConfigAsBlob() {
    byte[] body = manifestWith(Map.of("layers", List.of()));

    assertThat(ManifestParser.parse(body, MediaTypes.OCI_MANIFEST).blobs())
        .containsExactly(desc(MediaTypes.OCI_CONFIG, CONFIG));
  }

  @Test
  void effectiveArtifactTypeIsArtifactTypeElseConfigMediaType() {
    byte[] withArtifactType = manifestWith(Map.of("artifactType", SBOM_TYPE));
    Map<String, Object> customConfig = descriptor("application/vnd.example.config.v1+json", CONFIG);
    byte[] withCustomConfig = manifestWith(Map.of("config", customConfig));
    byte[] plain = manifestWith(Map.of());

    assertThat(ManifestParser.parse(withArtifactType, null).effectiveArtifactType())
        .contains(SBOM_TYPE);
    assertThat(ManifestParser.parse(withCustomConfig, null).effectiveArtifactType())
        .contains("application/vnd.example.config.v1+json");
    assertThat(ManifestParser.parse(plain, null).effectiveArtifactType())
        .contains(MediaTypes.OCI_CONFIG);
  }

  @Test
  void effectiveArtifactTypeOfDocumentsBuiltDirectly() {
    Descriptor config = desc(MediaTypes.OCI_EMPTY, EMPTY_JSON);
    ManifestDocument artifact =
        new ManifestDocument(
            MediaTypes.OCI_MANIFEST,
            Optional.of(config),
            List.of(config),
            List.of(),
            Optional.empty(),
            Optional.of(SBOM_TYPE),
            Map.of());
    ManifestDocument index =
        new ManifestDocument(
            MediaTypes.OCI_INDEX,
            Optional.empty(),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Map.of());

    assertThat(artifact.effectiveArtifactType()).contains(SBOM_TYPE);
    assertThat(index.effectiveArtifactType()).isEmpty();
    assertThat(index.isIndex()).isTrue();
  }

  // ---- not a manifest at all ----

  @Test
  void rejectsBodiesThatAreNotJsonObjectsWithManifestInvalid() {
    List<byte[]> bodies =
        List.of(
            new byte[0],
            utf8("not json"),
            utf8("[]"),
            utf8("[{\"schemaVersion\":2}]"),
            utf8("\"manifest\""),
            utf8("2"),
            utf8("null"),
            utf8("{\"schemaVersion\":2,"),
            utf8("{\"schemaVersion\":2,\"schemaVersion\":2}"),
            new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'},
            new byte[] {(byte) 0xc3, '{', '}'});
    for (byte[] body : bodies) {
      assertManifestInvalid(body, MediaTypes.OCI_MANIFEST);
      assertManifestInvalid(body, null);
    }
  }

  @Test
  void rejectsInvalidUtf8InsideAnOtherwiseValidManifestWithManifestInvalid() {
    String text =
        new String(
            TestContent.imageManifest(
                CONFIG, List.of(LAYER_1), Map.of("annotations", Map.of("k", "XX"))),
            StandardCharsets.UTF_8);
    byte[] body = utf8(text);
    int at = text.indexOf("XX");
    body[at] = (byte) 0xc0;
    body[at + 1] = (byte) 0xaf;

    assertManifestInvalid(body, MediaTypes.OCI_MANIFEST);
  }

  // ---- helpers ----

  private static void assertManifestInvalid(byte[] body, String contentType) {
    assertThatThrownBy(() -> ManifestParser.parse(body, contentType))
        .as("parse(%s, %s)", new String(body, StandardCharsets.UTF_8), contentType)
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID));
  }

  private static Descriptor desc(String mediaType, byte[] content) {
    return Descriptor.of(mediaType, Digest.sha256(content), content.length);
  }

  private static byte[] dockerManifest() {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2L);
    manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    manifest.put("config", descriptor(MediaTypes.DOCKER_CONFIG, CONFIG));
    manifest.put("layers", List.of(descriptor(DOCKER_LAYER, LAYER_1)));
    return Json.writeBytes(manifest);
  }

  /** A valid OCI manifest with fields replaced; a {@link Json#NULL} value removes the field. */
  private static byte[] manifestWith(Map<String, Object> changes) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2L);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("config", descriptor(MediaTypes.OCI_CONFIG, CONFIG));
    manifest.put("layers", List.of(descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_1)));
    return apply(manifest, changes);
  }

  /** A valid OCI index with fields replaced; a {@link Json#NULL} value removes the field. */
  private static byte[] indexWith(Map<String, Object> changes) {
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2L);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put(
        "manifests",
        List.of(
            descriptor(
                MediaTypes.OCI_MANIFEST,
                TestContent.imageManifest(CONFIG, List.of(LAYER_1), Map.of()))));
    return apply(index, changes);
  }

  private static byte[] apply(Map<String, Object> document, Map<String, Object> changes) {
    changes.forEach(
        (key, value) -> {
          if (value == Json.NULL) {
            document.remove(key);
          } else {
            document.put(key, value);
          }
        });
    return Json.writeBytes(document);
  }

  private static byte[] withoutMediaType(byte[] body) {
    @SuppressWarnings("unchecked")
    Map<String, Object> document = new LinkedHashMap<>((Map<String, Object>) Json.parse(body));
    document.remove("mediaType");
    return Json.writeBytes(document);
  }
}
