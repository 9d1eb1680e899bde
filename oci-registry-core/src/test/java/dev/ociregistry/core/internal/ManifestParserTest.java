package dev.ociregistry.core.internal;

import static dev.ociregistry.testkit.Artifacts.descriptor;
import static dev.ociregistry.testkit.Artifacts.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.ManifestDocument;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
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
  private static final String DOCKER_FOREIGN_LAYER =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
  private static final String SBOM_TYPE = "application/vnd.example.sbom.v1+json";

  private static final Blob CONFIG =
      Artifacts.blob(MediaTypes.OCI_CONFIG, utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
  private static final Blob LAYER_1 =
      Artifacts.blob(MediaTypes.OCI_LAYER_TAR_GZIP, Artifacts.content(100, 1));
  private static final Blob LAYER_2 =
      Artifacts.blob(MediaTypes.OCI_LAYER_TAR_GZIP, Artifacts.content(200, 2));
  private static final Blob DOCKER_CONFIG =
      Artifacts.blob(MediaTypes.DOCKER_CONFIG, CONFIG.content());
  private static final Blob DOCKER_LAYER_1 =
      Artifacts.blob(Artifacts.DOCKER_LAYER, LAYER_1.content());
  private static final Blob DOCKER_LAYER_2 =
      Artifacts.blob(Artifacts.DOCKER_LAYER, LAYER_2.content());

  // ---- the accepted kinds ----

  @Test
  void parsesOciImageManifest() {
    byte[] body =
        Artifacts.image()
            .config(CONFIG)
            .layer(LAYER_1)
            .layer(LAYER_2)
            .annotation("k", "v")
            .build()
            .content();

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
    Manifest child1 = image(LAYER_1);
    Manifest child2 = image(LAYER_2);
    byte[] body = Artifacts.index().manifest(child1).manifest(child2).build().content();

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_INDEX);

    assertThat(document.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(document.isIndex()).isTrue();
    assertThat(document.config()).isEmpty();
    assertThat(document.blobs()).isEmpty();
    assertThat(document.manifests())
        .containsExactly(
            desc(MediaTypes.OCI_MANIFEST, child1.content()),
            desc(MediaTypes.OCI_MANIFEST, child2.content()));
    assertThat(document.effectiveArtifactType()).isEmpty();
  }

  @Test
  void parsesEmptyOciImageIndex() {
    byte[] body = Artifacts.index().build().content();

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_INDEX);

    assertThat(document.isIndex()).isTrue();
    assertThat(document.manifests()).isEmpty();
  }

  @Test
  void parsesDockerSchema2Manifest() {
    byte[] manifest =
        Artifacts.image()
            .mediaType(MediaTypes.DOCKER_MANIFEST)
            .config(DOCKER_CONFIG)
            .layer(DOCKER_LAYER_1)
            .layer(DOCKER_LAYER_2)
            .build()
            .content();

    ManifestDocument document = ManifestParser.parse(manifest, MediaTypes.DOCKER_MANIFEST);

    assertThat(document.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(document.isIndex()).isFalse();
    assertThat(document.config()).contains(desc(MediaTypes.DOCKER_CONFIG, CONFIG));
    assertThat(document.blobs())
        .containsExactly(
            desc(MediaTypes.DOCKER_CONFIG, CONFIG),
            desc(Artifacts.DOCKER_LAYER, LAYER_1),
            desc(Artifacts.DOCKER_LAYER, LAYER_2));
    assertThat(document.effectiveArtifactType()).contains(MediaTypes.DOCKER_CONFIG);
  }

  @Test
  void parsesDockerManifestList() {
    Manifest child = dockerManifest();
    byte[] list =
        Artifacts.index()
            .mediaType(MediaTypes.DOCKER_MANIFEST_LIST)
            .manifest(child)
            .build()
            .content();

    ManifestDocument document = ManifestParser.parse(list, MediaTypes.DOCKER_MANIFEST_LIST);

    assertThat(document.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(document.isIndex()).isTrue();
    assertThat(document.blobs()).isEmpty();
    assertThat(document.manifests())
        .containsExactly(desc(MediaTypes.DOCKER_MANIFEST, child.content()));
  }

  @Test
  void parsesArtifactManifestWithEmptyConfig() {
    byte[] manifest =
        Artifacts.image()
            .artifactType(SBOM_TYPE)
            .config(Artifacts.EMPTY_CONFIG)
            .layer(Artifacts.blob("application/spdx+json", LAYER_1.content()))
            .build()
            .content();

    ManifestDocument document = ManifestParser.parse(manifest, MediaTypes.OCI_MANIFEST);

    assertThat(document.artifactType()).contains(SBOM_TYPE);
    assertThat(document.effectiveArtifactType()).contains(SBOM_TYPE);
    assertThat(document.config()).contains(desc(MediaTypes.OCI_EMPTY, Artifacts.EMPTY_CONFIG));
    assertThat(document.blobs())
        .containsExactly(
            desc(MediaTypes.OCI_EMPTY, Artifacts.EMPTY_CONFIG),
            desc("application/spdx+json", LAYER_1));
    assertThat(document.config().orElseThrow().digest())
        .hasToString("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  }

  @Test
  void parsesManifestWithSubject() {
    Manifest subject = image(LAYER_1);
    byte[] body =
        Artifacts.image()
            .subject(subject)
            .artifactType(SBOM_TYPE)
            .config(Artifacts.blob(MediaTypes.OCI_CONFIG, Artifacts.EMPTY_CONFIG.content()))
            .layer(LAYER_2)
            .build()
            .content();

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_MANIFEST);

    assertThat(document.subject()).contains(desc(MediaTypes.OCI_MANIFEST, subject.content()));
    assertThat(document.artifactType()).contains(SBOM_TYPE);
  }

  @Test
  void parsesIndexWithSubjectAndArtifactType() {
    Manifest subject = image(LAYER_1);
    byte[] body =
        Artifacts.index()
            .subject(subject)
            .artifactType(SBOM_TYPE)
            .manifest(subject)
            .build()
            .content();

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_INDEX);

    assertThat(document.subject()).contains(desc(MediaTypes.OCI_MANIFEST, subject.content()));
    assertThat(document.effectiveArtifactType()).contains(SBOM_TYPE);
  }

  @Test
  void keepsDescriptorArtifactTypeAndAnnotations() {
    Map<String, Object> layer = descriptor(MediaTypes.OCI_LAYER_TAR, LAYER_1.content());
    layer.put("annotations", Map.of("org.opencontainers.image.title", "file.txt"));
    Map<String, Object> child = descriptor(MediaTypes.OCI_MANIFEST, LAYER_2.content());
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
    byte[] body = image(LAYER_1).content();

    assertThat(ManifestParser.parse(body, contentType).mediaType())
        .isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void acceptsAgreeingContentTypeWithParameterForAnIndex() {
    byte[] body = Artifacts.index().build().content();

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
    byte[] body = image(LAYER_1).content();

    assertManifestInvalid(body, contentType);
  }

  @Test
  void rejectsIndexBodyUnderManifestContentTypeWithManifestInvalid() {
    byte[] body = Artifacts.index().build().content();

    assertManifestInvalid(body, MediaTypes.OCI_MANIFEST);
    assertManifestInvalid(body, MediaTypes.DOCKER_MANIFEST_LIST);
  }

  @Test
  void withoutContentTypeTheBodyMediaTypeIsUsed() {
    Manifest image = image(LAYER_1);
    byte[] manifest = image.content();
    byte[] index = Artifacts.index().manifest(image).build().content();

    assertThat(ManifestParser.parse(manifest, null).mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(ManifestParser.parse(index, null).mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(ManifestParser.parse(dockerManifest().content(), null).mediaType())
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
    byte[] manifest = withoutMediaType(image(LAYER_1).content());
    byte[] index = withoutMediaType(Artifacts.index().build().content());

    assertManifestInvalid(manifest, MediaTypes.OCI_INDEX);
    assertManifestInvalid(index, MediaTypes.OCI_MANIFEST);
    assertManifestInvalid(manifest, "text/plain");
  }

  @Test
  void withNeitherMediaTypeTheShapeDecides() {
    byte[] manifest = withoutMediaType(image(LAYER_1).content());
    byte[] index = withoutMediaType(Artifacts.index().build().content());

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
    Map<String, Object> config = CONFIG.descriptor();

    assertManifestInvalid(indexWith(Map.of("config", config)), MediaTypes.OCI_INDEX);
    assertManifestInvalid(indexWith(Map.of("layers", List.of())), MediaTypes.OCI_INDEX);
  }

  @Test
  void rejectsIndexWithoutManifestsWithManifestInvalid() {
    assertManifestInvalid(indexWith(Map.of("manifests", Json.NULL)), MediaTypes.OCI_INDEX);
  }

  @Test
  void rejectsManifestWithManifestsWithManifestInvalid() {
    Map<String, Object> child = descriptor(MediaTypes.OCI_MANIFEST, LAYER_1.content());

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
    manifest.put("config", DOCKER_CONFIG.descriptor());

    assertManifestInvalid(Json.writeBytes(manifest), MediaTypes.DOCKER_MANIFEST);
  }

  @Test
  void rejectsNegativeSizeWithManifestInvalid() {
    Map<String, Object> layer = LAYER_1.descriptor();
    layer.put("size", -1L);
    Map<String, Object> config = CONFIG.descriptor();
    config.put("size", -100L);
    Map<String, Object> child = descriptor(MediaTypes.OCI_MANIFEST, LAYER_1.content());
    child.put("size", Long.MIN_VALUE);

    assertManifestInvalid(manifestWith(Map.of("layers", List.of(layer))), null);
    assertManifestInvalid(manifestWith(Map.of("config", config)), null);
    assertManifestInvalid(indexWith(Map.of("manifests", List.of(child))), null);
  }

  @Test
  void rejectsNonIntegerSizeWithManifestInvalid() {
    for (Object size :
        List.of("100", new BigDecimal("1.5"), new BigDecimal("1e400"), true, Json.NULL)) {
      Map<String, Object> layer = LAYER_1.descriptor();
      layer.put("size", size);

      assertManifestInvalid(manifestWith(Map.of("layers", List.of(layer))), null);
    }
  }

  @Test
  void rejectsBadDigestInALayerWithManifestInvalidNamingTheLayer() {
    Map<String, Object> good = LAYER_1.descriptor();
    Map<String, Object> bad = LAYER_2.descriptor();
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
    Map<String, Object> layer = LAYER_1.descriptor();
    layer.put("digest", digest);
    Map<String, Object> config = CONFIG.descriptor();
    config.put("digest", digest);
    Map<String, Object> child = descriptor(MediaTypes.OCI_MANIFEST, LAYER_1.content());
    child.put("digest", digest);
    Map<String, Object> subject = descriptor(MediaTypes.OCI_MANIFEST, LAYER_1.content());
    subject.put("digest", digest);

    assertManifestInvalid(manifestWith(Map.of("layers", List.of(layer))), null);
    assertManifestInvalid(manifestWith(Map.of("config", config)), null);
    assertManifestInvalid(indexWith(Map.of("manifests", List.of(child))), null);
    assertManifestInvalid(manifestWith(Map.of("subject", subject)), null);
  }

  @Test
  void rejectsDescriptorWithoutMediaTypeOrDigestWithManifestInvalid() {
    Map<String, Object> noMediaType = LAYER_1.descriptor();
    noMediaType.remove("mediaType");
    Map<String, Object> blankMediaType = descriptor(" ", LAYER_1.content());
    Map<String, Object> noDigest = LAYER_1.descriptor();
    noDigest.remove("digest");
    Map<String, Object> noSize = LAYER_1.descriptor();
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
    Map<String, Object> foreign = descriptor(DOCKER_FOREIGN_LAYER, LAYER_1.content());
    foreign.put("urls", List.of("https://example.com/layer.tar.gz"));
    Map<String, Object> local = LAYER_2.descriptor();
    byte[] body = manifestWith(Map.of("layers", List.of(foreign, local)));

    ManifestDocument document = ManifestParser.parse(body, MediaTypes.OCI_MANIFEST);

    assertThat(document.blobs())
        .containsExactly(
            desc(MediaTypes.OCI_CONFIG, CONFIG), desc(MediaTypes.OCI_LAYER_TAR_GZIP, LAYER_2));
  }

  @Test
  void layersWithAnEmptyUrlsListAreStillBlobs() {
    // An empty urls list names no place to fetch the layer from, so it must be in the repository.
    Map<String, Object> layer = LAYER_1.descriptor();
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
    Map<String, Object> customConfig =
        descriptor("application/vnd.example.config.v1+json", CONFIG.content());
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
    Descriptor config = desc(MediaTypes.OCI_EMPTY, Artifacts.EMPTY_CONFIG);
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
            Artifacts.image().config(CONFIG).layer(LAYER_1).annotation("k", "XX").build().content(),
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

  private static Descriptor desc(String mediaType, Blob blob) {
    return desc(mediaType, blob.content());
  }

  /** An OCI image of {@link #CONFIG} and {@code layer}. */
  private static Manifest image(Blob layer) {
    return Artifacts.image().config(CONFIG).layer(layer).build();
  }

  private static Manifest dockerManifest() {
    return Artifacts.image()
        .mediaType(MediaTypes.DOCKER_MANIFEST)
        .config(DOCKER_CONFIG)
        .layer(DOCKER_LAYER_1)
        .build();
  }

  /** A valid OCI manifest with fields replaced; a {@link Json#NULL} value removes the field. */
  private static byte[] manifestWith(Map<String, Object> changes) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2L);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("config", CONFIG.descriptor());
    manifest.put("layers", List.of(LAYER_1.descriptor()));
    return apply(manifest, changes);
  }

  /** A valid OCI index with fields replaced; a {@link Json#NULL} value removes the field. */
  private static byte[] indexWith(Map<String, Object> changes) {
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2L);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", List.of(image(LAYER_1).descriptor()));
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
