package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Responses.describe;
import static dev.ociregistry.servlet.testing.Responses.errorCode;
import static dev.ociregistry.servlet.testing.Responses.headerNames;
import static dev.ociregistry.servlet.testing.Responses.headersWithoutDate;
import static dev.ociregistry.testkit.Artifacts.DOCKER_CONFIG;
import static dev.ociregistry.testkit.Artifacts.DOCKER_LAYER;
import static dev.ociregistry.testkit.Artifacts.DOCKER_MANIFEST;
import static dev.ociregistry.testkit.Artifacts.DOCKER_MANIFEST_LIST;
import static dev.ociregistry.testkit.Artifacts.OCI_CONFIG;
import static dev.ociregistry.testkit.Artifacts.OCI_INDEX;
import static dev.ociregistry.testkit.Artifacts.OCI_LAYER;
import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Manifest PUT (end-7), GET and HEAD (end-3) and DELETE (end-9), by tag and by digest. */
class ManifestEndpointsTest extends RegistryTestBase {
  private static final int FOUR_MIB = 4 * 1024 * 1024;

  private Blob config;
  private Blob layer;
  private byte[] manifest;
  private String digest;

  /** {@link #manifest} as a manifest to push. */
  private Manifest handwritten;

  @BeforeEach
  void pushConfigAndLayer() throws Exception {
    config =
        pusher.blob(
            "os/ubuntu",
            Artifacts.blob(
                OCI_CONFIG,
                "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8)));
    layer = pusher.blob("os/ubuntu", Artifacts.blob(OCI_LAYER, Artifacts.content(5000, 1)));
    // Unusual spacing and key order: the registry must keep these exact bytes.
    manifest =
        ("{\n  \"schemaVersion\" : 2,\n  \"mediaType\": \""
                + OCI_MANIFEST
                + "\",\n"
                + "  \"layers\": [ {\"size\": 5000, \"digest\": \""
                + layer.digest()
                + "\","
                + " \"mediaType\": \"application/vnd.oci.image.layer.v1.tar\"} ],\n"
                + "  \"config\": {\"mediaType\": \"application/vnd.oci.image.config.v1+json\","
                + " \"digest\": \""
                + config.digest()
                + "\", \"size\": "
                + config.size()
                + "},\n"
                + "  \"annotations\": {\"org.example\": \"\u00e9t\u00e9\"}\n}\n")
            .getBytes(StandardCharsets.UTF_8);
    digest = Digests.sha256(manifest);
    handwritten = Artifacts.manifest(OCI_MANIFEST, manifest);
  }

  @Test
  void putByTagReturns201WithDigestLocation() throws Exception {
    TestHttp.Response response = http.put("/v2/os/ubuntu/manifests/22.04", OCI_MANIFEST, manifest);

    assertThat(response.status()).as(describe(response)).isEqualTo(201);
    assertThat(response.header("Location")).hasValue("/v2/os/ubuntu/manifests/" + digest);
    assertThat(response.header("Docker-Content-Digest")).hasValue(digest);
    assertThat(response.header("Content-Length")).hasValue("0");
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "location",
            "docker-content-digest",
            "content-length",
            "docker-distribution-api-version");
  }

  @Test
  void putByDigestReturns201AndNoTagIsCreated() throws Exception {
    TestHttp.Response response =
        http.put("/v2/os/ubuntu/manifests/" + digest, OCI_MANIFEST, manifest);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("Location")).hasValue("/v2/os/ubuntu/manifests/" + digest);
    assertThat(response.header("Docker-Content-Digest")).hasValue(digest);
    assertThat(http.get("/v2/os/ubuntu/tags/list").json().get("tags")).isEmpty();
    assertThat(http.get("/v2/os/ubuntu/manifests/" + digest).body()).isEqualTo(manifest);
  }

  @Test
  void getByTagReturnsTheExactBytesWithManifestHeaders() throws Exception {
    pusher.manifest("os/ubuntu", "22.04", handwritten);

    TestHttp.Response response = http.get("/v2/os/ubuntu/manifests/22.04");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(manifest);
    assertThat(response.header("Content-Type")).hasValue(OCI_MANIFEST);
    assertThat(response.header("Content-Length")).hasValue(String.valueOf(manifest.length));
    assertThat(response.header("Docker-Content-Digest")).hasValue(digest);
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "content-type",
            "content-length",
            "docker-content-digest",
            "etag",
            "docker-distribution-api-version");
  }

  @Test
  void getByDigestReturnsTheExactBytesWithManifestHeaders() throws Exception {
    pusher.manifest("os/ubuntu", "22.04", handwritten);

    TestHttp.Response byTag = http.get("/v2/os/ubuntu/manifests/22.04");
    TestHttp.Response byDigest = http.get("/v2/os/ubuntu/manifests/" + digest);

    assertThat(byDigest.status()).isEqualTo(200);
    assertThat(byDigest.body()).isEqualTo(manifest);
    assertThat(headersWithoutDate(byDigest)).isEqualTo(headersWithoutDate(byTag));
  }

  @Test
  void headAnswersTheSameHeadersAsGetWithoutBody() throws Exception {
    pusher.manifest("os/ubuntu", "22.04", handwritten);

    for (String reference : List.of("22.04", digest)) {
      TestHttp.Response get = http.get("/v2/os/ubuntu/manifests/" + reference);
      TestHttp.Response head = http.head("/v2/os/ubuntu/manifests/" + reference);

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(headersWithoutDate(head)).isEqualTo(headersWithoutDate(get));
    }
  }

  @Test
  void contentTypeParametersAreIgnored() throws Exception {
    TestHttp.Response response =
        http.put("/v2/os/ubuntu/manifests/v1", OCI_MANIFEST + "; charset=utf-8", manifest);

    assertThat(response.status()).as(describe(response)).isEqualTo(201);
    assertThat(http.get("/v2/os/ubuntu/manifests/v1").header("Content-Type"))
        .hasValue(OCI_MANIFEST);
  }

  @Test
  void contentTypeThatDisagreesWithMediaTypeReturns400ManifestInvalid() throws Exception {
    TestHttp.Response response = http.put("/v2/os/ubuntu/manifests/v1", OCI_INDEX, manifest);

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_INVALID");
    assertThat(http.get("/v2/os/ubuntu/manifests/v1").status()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "not json",
        "[]",
        "{}",
        "{\"schemaVersion\":1}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:abc\",\"size\":1},\"layers\":[]}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"a/b\",\"digest\":"
            + "\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
            + "\"size\":-1},\"layers\":[]}"
      })
  void malformedManifestReturns400ManifestInvalid(String body) throws Exception {
    TestHttp.Response response =
        http.put("/v2/os/ubuntu/manifests/v1", OCI_MANIFEST, body.getBytes(StandardCharsets.UTF_8));

    assertThat(response.status()).as(describe(response)).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_INVALID");
  }

  @Test
  void descriptorSizeThatDisagreesWithTheBlobReturns400ManifestInvalid() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemaVersion", 2);
    body.put("mediaType", OCI_MANIFEST);
    body.put("config", config.descriptor());
    body.put("layers", List.of(Artifacts.descriptor(OCI_LAYER, layer.digest(), 4999)));

    TestHttp.Response response =
        http.put("/v2/os/ubuntu/manifests/v1", OCI_MANIFEST, Artifacts.bytes(body));

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_INVALID");
  }

  @Test
  void missingLayerReturns404ManifestBlobUnknown() throws Exception {
    Blob missing = Artifacts.layer("absent");

    TestHttp.Response response =
        http.put(
            "/v2/os/ubuntu/manifests/v1",
            OCI_MANIFEST,
            Artifacts.image().config(config).layer(layer).layer(missing).build().content());

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
    assertThat(http.get("/v2/os/ubuntu/manifests/v1").status()).isEqualTo(404);
  }

  @Test
  void missingConfigReturns404ManifestBlobUnknown() throws Exception {
    Blob missing = Artifacts.blob(OCI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8));

    TestHttp.Response response =
        http.put(
            "/v2/os/ubuntu/manifests/v1",
            OCI_MANIFEST,
            Artifacts.image().config(missing).layer(layer).build().content());

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void blobOnlyInAnotherRepositoryReturns404ManifestBlobUnknown() throws Exception {
    TestHttp.Response response = http.put("/v2/os/debian/manifests/v1", OCI_MANIFEST, manifest);

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void manifestOverFourMebibytesReturns413() throws Exception {
    byte[] body = oversized(FOUR_MIB + 1);

    TestHttp.Response response = http.put("/v2/os/ubuntu/manifests/big", OCI_MANIFEST, body);

    assertThat(response.status()).as(describe(response)).isEqualTo(413);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_INVALID");
    assertThat(http.get("/v2/os/ubuntu/manifests/big").status()).isEqualTo(404);
  }

  @Test
  void streamedManifestOverFourMebibytesReturns413() throws Exception {
    byte[] body = oversized(FOUR_MIB + 1);

    TestHttp.Response response =
        http.send(
            http.request("/v2/os/ubuntu/manifests/big")
                .header("Content-Type", OCI_MANIFEST)
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body))));

    assertThat(response.status()).as(describe(response)).isEqualTo(413);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_INVALID");
  }

  @Test
  void manifestOfExactlyFourMebibytesIsAccepted() throws Exception {
    byte[] body = padded(FOUR_MIB);
    assertThat(body).hasSize(FOUR_MIB);

    TestHttp.Response pushed = http.put("/v2/os/ubuntu/manifests/big", OCI_MANIFEST, body);
    TestHttp.Response pulled = http.get("/v2/os/ubuntu/manifests/big");

    assertThat(pushed.status()).as(describe(pushed)).isEqualTo(201);
    assertThat(pulled.status()).isEqualTo(200);
    assertThat(pulled.body()).isEqualTo(body);
  }

  @Test
  void digestReferenceThatDoesNotMatchTheBodyReturns400DigestInvalid() throws Exception {
    String other = Digests.sha256("other".getBytes());

    TestHttp.Response response =
        http.put("/v2/os/ubuntu/manifests/" + other, OCI_MANIFEST, manifest);

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(http.get("/v2/os/ubuntu/manifests/" + digest).status()).isEqualTo(404);
  }

  @Test
  void manifestWithSubjectReturns201WithOciSubject() throws Exception {
    Manifest subject = pusher.manifest("os/ubuntu", "22.04", handwritten);
    Manifest signature = Artifacts.image().config(config).layer(layer).subject(subject).build();

    TestHttp.Response response =
        http.put("/v2/os/ubuntu/manifests/signature", OCI_MANIFEST, signature.content());

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("OCI-Subject")).hasValue(subject.digest());
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "location",
            "docker-content-digest",
            "oci-subject",
            "content-length",
            "docker-distribution-api-version");
  }

  @Test
  void deleteByDigestReturns202ThenTheManifestAndItsTagsAreGone() throws Exception {
    pusher.manifest("os/ubuntu", "22.04", handwritten);
    pusher.manifest("os/ubuntu", "latest", handwritten);
    Manifest other = pusher.image("os/ubuntu", "other", Artifacts.image("other"));

    TestHttp.Response deleted = http.delete("/v2/os/ubuntu/manifests/" + digest);

    assertThat(deleted.status()).isEqualTo(202);
    assertThat(deleted.body()).isEmpty();
    for (String reference : List.of(digest, "22.04", "latest")) {
      TestHttp.Response get = http.get("/v2/os/ubuntu/manifests/" + reference);
      assertThat(get.status()).as(describe(get)).isEqualTo(404);
      assertThat(errorCode(get)).isEqualTo("MANIFEST_UNKNOWN");
      assertThat(http.head("/v2/os/ubuntu/manifests/" + reference).status()).isEqualTo(404);
    }
    assertThat(http.get("/v2/os/ubuntu/tags/list").json().get("tags").toString())
        .isEqualTo("[\"other\"]");
    assertThat(http.get("/v2/os/ubuntu/manifests/" + other.digest()).status()).isEqualTo(200);
  }

  @Test
  void deleteByTagReturns202AndKeepsTheManifest() throws Exception {
    pusher.manifest("os/ubuntu", "22.04", handwritten);
    pusher.manifest("os/ubuntu", "latest", handwritten);

    TestHttp.Response deleted = http.delete("/v2/os/ubuntu/manifests/latest");

    assertThat(deleted.status()).isEqualTo(202);
    TestHttp.Response tag = http.get("/v2/os/ubuntu/manifests/latest");
    assertThat(tag.status()).isEqualTo(404);
    assertThat(errorCode(tag)).isEqualTo("MANIFEST_UNKNOWN");
    assertThat(http.get("/v2/os/ubuntu/manifests/" + digest).body()).isEqualTo(manifest);
    assertThat(http.get("/v2/os/ubuntu/manifests/22.04").body()).isEqualTo(manifest);
    assertThat(http.get("/v2/os/ubuntu/tags/list").json().get("tags").toString())
        .isEqualTo("[\"22.04\"]");
  }

  @Test
  void unknownManifestReturns404ManifestUnknown() throws Exception {
    pusher.manifest("os/ubuntu", "22.04", handwritten);
    String unknown = Digests.sha256("unknown".getBytes());
    List<String> paths =
        List.of(
            "/v2/os/ubuntu/manifests/nope",
            "/v2/os/ubuntu/manifests/" + unknown,
            "/v2/os/never-pushed/manifests/22.04",
            "/v2/os/debian/manifests/" + digest);

    for (String path : paths) {
      TestHttp.Response get = http.get(path);
      TestHttp.Response head = http.head(path);
      TestHttp.Response delete = http.delete(path);
      assertThat(get.status()).as(describe(get)).isEqualTo(404);
      assertThat(errorCode(get)).isEqualTo("MANIFEST_UNKNOWN");
      assertThat(head.status()).isEqualTo(404);
      assertThat(head.body()).isEmpty();
      assertThat(delete.status()).as(describe(delete)).isEqualTo(404);
      assertThat(errorCode(delete)).isEqualTo("MANIFEST_UNKNOWN");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-leading-dash", ".leading-dot", "tag+plus", "t%C3%A4g"})
  void pushToAnInvalidTagReturns400ManifestInvalid(String tag) throws Exception {
    TestHttp.Response put = http.put("/v2/os/ubuntu/manifests/" + tag, OCI_MANIFEST, manifest);

    assertThat(put.status()).as(describe(put)).isEqualTo(400);
    assertThat(errorCode(put)).isEqualTo("MANIFEST_INVALID");
  }

  /**
   * A reference that is neither a tag nor a digest names no manifest: reading or deleting it is
   * 404, as the OCI conformance suite expects of its {@code .INVALID_MANIFEST_NAME}.
   */
  @ParameterizedTest
  @ValueSource(strings = {"-leading-dash", ".INVALID_MANIFEST_NAME", "tag+plus", "t%C3%A4g"})
  void readingOrDeletingAnInvalidTagReturns404ManifestUnknown(String tag) throws Exception {
    TestHttp.Response get = http.get("/v2/os/ubuntu/manifests/" + tag);
    TestHttp.Response head = http.head("/v2/os/ubuntu/manifests/" + tag);
    TestHttp.Response delete = http.delete("/v2/os/ubuntu/manifests/" + tag);

    for (TestHttp.Response response : List.of(get, delete)) {
      assertThat(response.status()).as(describe(response)).isEqualTo(404);
      assertThat(errorCode(response)).isEqualTo("MANIFEST_UNKNOWN");
    }
    assertThat(head.status()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void tagOf128CharactersIsAcceptedAnd129IsNot() throws Exception {
    String longest = "t".repeat(128);

    TestHttp.Response fits = http.put("/v2/os/ubuntu/manifests/" + longest, OCI_MANIFEST, manifest);
    TestHttp.Response tooLong =
        http.put("/v2/os/ubuntu/manifests/" + longest + "t", OCI_MANIFEST, manifest);

    assertThat(fits.status()).isEqualTo(201);
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(errorCode(tooLong)).isEqualTo("MANIFEST_INVALID");
  }

  @Test
  void malformedDigestReferenceReturns400DigestInvalid() throws Exception {
    TestHttp.Response get = http.get("/v2/os/ubuntu/manifests/sha256:abc");
    TestHttp.Response put = http.put("/v2/os/ubuntu/manifests/sha256:abc", OCI_MANIFEST, manifest);

    assertThat(get.status()).isEqualTo(400);
    assertThat(errorCode(get)).isEqualTo("DIGEST_INVALID");
    assertThat(put.status()).isEqualTo(400);
    assertThat(errorCode(put)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void pushingToAnExistingTagMovesIt() throws Exception {
    pusher.manifest("os/ubuntu", "latest", handwritten);
    Manifest newer = pusher.image("os/ubuntu", "latest", Artifacts.image("newer"));

    TestHttp.Response response = http.get("/v2/os/ubuntu/manifests/latest");

    assertThat(response.body()).isEqualTo(newer.content());
    assertThat(response.header("Docker-Content-Digest")).hasValue(newer.digest());
    assertThat(http.get("/v2/os/ubuntu/manifests/" + digest).status()).isEqualTo(200);
  }

  @Test
  void ociIndexIsAcceptedAndServedWithItsMediaType() throws Exception {
    Manifest amd64 = pusher.manifest("os/ubuntu", digest, handwritten);
    Manifest arm64 = pusher.image("os/ubuntu", "arm64", Artifacts.image("arm64"));
    byte[] index = Artifacts.index().manifest(amd64).manifest(arm64).build().content();

    TestHttp.Response pushed = http.put("/v2/os/ubuntu/manifests/multi", OCI_INDEX, index);
    TestHttp.Response pulled = http.get("/v2/os/ubuntu/manifests/multi");

    assertThat(pushed.status()).as(describe(pushed)).isEqualTo(201);
    assertThat(pushed.header("Docker-Content-Digest")).hasValue(Digests.sha256(index));
    assertThat(pulled.body()).isEqualTo(index);
    assertThat(pulled.header("Content-Type")).hasValue(OCI_INDEX);
  }

  @Test
  void indexWithUnknownChildReturns404ManifestBlobUnknown() throws Exception {
    Manifest known = pusher.manifest("os/ubuntu", "v1", handwritten);
    Manifest unknown = Artifacts.manifest(OCI_MANIFEST, "nope".getBytes(StandardCharsets.UTF_8));

    TestHttp.Response response =
        http.put(
            "/v2/os/ubuntu/manifests/multi",
            OCI_INDEX,
            Artifacts.index().manifest(known).manifest(unknown).build().content());

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void indexWhoseChildIsOnlyInAnotherRepositoryReturns404ManifestBlobUnknown() throws Exception {
    Manifest child = pusher.manifest("os/ubuntu", "v1", handwritten);

    TestHttp.Response response =
        http.put(
            "/v2/os/debian/manifests/multi",
            OCI_INDEX,
            Artifacts.index().manifest(child).build().content());

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void dockerSchema2ManifestAndManifestListAreAccepted() throws Exception {
    Manifest image =
        pusher.manifest(
            "os/ubuntu",
            "docker",
            Artifacts.image()
                .mediaType(DOCKER_MANIFEST)
                .config(Artifacts.blob(DOCKER_CONFIG, config.content()))
                .layer(Artifacts.blob(DOCKER_LAYER, layer.content()))
                .build());
    byte[] dockerManifest = image.content();
    byte[] list =
        Artifacts.index().mediaType(DOCKER_MANIFEST_LIST).manifest(image).build().content();

    TestHttp.Response pushedList =
        http.put("/v2/os/ubuntu/manifests/docker-list", DOCKER_MANIFEST_LIST, list);

    assertThat(pushedList.status()).as(describe(pushedList)).isEqualTo(201);
    TestHttp.Response pulledImage = http.get("/v2/os/ubuntu/manifests/docker");
    assertThat(pulledImage.body()).isEqualTo(dockerManifest);
    assertThat(pulledImage.header("Content-Type")).hasValue(DOCKER_MANIFEST);
    TestHttp.Response pulledList = http.get("/v2/os/ubuntu/manifests/docker-list");
    assertThat(pulledList.body()).isEqualTo(list);
    assertThat(pulledList.header("Content-Type")).hasValue(DOCKER_MANIFEST_LIST);
  }

  @Test
  void artifactManifestWithEmptyConfigIsAccepted() throws Exception {
    Blob empty = pusher.blob("os/ubuntu", Artifacts.EMPTY_CONFIG);
    Manifest sbom =
        Artifacts.image()
            .artifactType("application/vnd.example.sbom.v1")
            .config(empty)
            .layer(Artifacts.blob("application/spdx+json", layer.content()))
            .build();

    TestHttp.Response response =
        http.put("/v2/os/ubuntu/manifests/sbom", OCI_MANIFEST, sbom.content());

    assertThat(response.status()).as(describe(response)).isEqualTo(201);
    assertThat(http.get("/v2/os/ubuntu/manifests/sbom").body()).isEqualTo(sbom.content());
  }

  @Test
  void manifestOfAnotherRepositoryIsNotVisible() throws Exception {
    pusher.manifest("os/ubuntu", "22.04", handwritten);

    TestHttp.Response response = http.get("/v2/os/ubuntu/nested/manifests/" + digest);

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_UNKNOWN");
  }

  /** A body of {@code size} bytes that starts like a manifest; never parsed, as it is too big. */
  private static byte[] oversized(int size) {
    byte[] body = new byte[size];
    java.util.Arrays.fill(body, (byte) ' ');
    body[0] = '{';
    body[size - 1] = '}';
    return body;
  }

  /** A valid image manifest padded with an annotation to exactly {@code size} bytes. */
  private byte[] padded(int size) {
    int base =
        Artifacts.image()
            .config(config)
            .layer(layer)
            .annotation("padding", "")
            .build()
            .content()
            .length;
    return Artifacts.image()
        .config(config)
        .layer(layer)
        .annotation("padding", "p".repeat(size - base))
        .build()
        .content();
  }
}
