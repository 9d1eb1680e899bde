package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Pushes.DOCKER_MANIFEST;
import static dev.ociregistry.servlet.testing.Pushes.DOCKER_MANIFEST_LIST;
import static dev.ociregistry.servlet.testing.Pushes.OCI_INDEX;
import static dev.ociregistry.servlet.testing.Pushes.OCI_MANIFEST;
import static dev.ociregistry.servlet.testing.Pushes.bytes;
import static dev.ociregistry.servlet.testing.Pushes.describe;
import static dev.ociregistry.servlet.testing.Pushes.errorCode;
import static dev.ociregistry.servlet.testing.Pushes.headerNames;
import static dev.ociregistry.servlet.testing.Pushes.headersWithoutDate;
import static dev.ociregistry.servlet.testing.Pushes.imageManifest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.servlet.testing.Http;
import dev.ociregistry.servlet.testing.Pushes;
import dev.ociregistry.servlet.testing.RegistryServer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Manifest PUT (end-7), GET and HEAD (end-3) and DELETE (end-9), by tag and by digest. */
class ManifestEndpointsTest {
  private static final int FOUR_MIB = 4 * 1024 * 1024;

  @TempDir Path root;

  private RegistryServer server;
  private Http http;
  private Pushes pushes;
  private Pushes.Blob config;
  private Pushes.Blob layer;
  private byte[] manifest;
  private Digest digest;

  @BeforeEach
  void start() throws Exception {
    server = RegistryServer.start(root);
    http = new Http(server.base());
    pushes = new Pushes(http);
    config = pushes.blob("os/ubuntu", "{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    layer = pushes.blob("os/ubuntu", Pushes.content(5000, 1));
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
    digest = Digest.sha256(manifest);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void putByTagReturns201WithDigestLocation() throws Exception {
    HttpResponse<byte[]> response =
        http.put("/v2/os/ubuntu/manifests/22.04", OCI_MANIFEST, manifest);

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
    assertThat(response.headers().firstValue("Location"))
        .hasValue("/v2/os/ubuntu/manifests/" + digest);
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest.toString());
    assertThat(response.headers().firstValue("Content-Length")).hasValue("0");
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "location",
            "docker-content-digest",
            "content-length",
            "docker-distribution-api-version");
  }

  @Test
  void putByDigestReturns201AndNoTagIsCreated() throws Exception {
    HttpResponse<byte[]> response =
        http.put("/v2/os/ubuntu/manifests/" + digest, OCI_MANIFEST, manifest);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location"))
        .hasValue("/v2/os/ubuntu/manifests/" + digest);
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest.toString());
    assertThat(Pushes.json(http.get("/v2/os/ubuntu/tags/list")).get("tags")).isEmpty();
    assertThat(http.get("/v2/os/ubuntu/manifests/" + digest).body()).isEqualTo(manifest);
  }

  @Test
  void getByTagReturnsTheExactBytesWithManifestHeaders() throws Exception {
    pushes.manifest("os/ubuntu", "22.04", OCI_MANIFEST, manifest);

    HttpResponse<byte[]> response = http.get("/v2/os/ubuntu/manifests/22.04");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(manifest);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(OCI_MANIFEST);
    assertThat(response.headers().firstValue("Content-Length"))
        .hasValue(String.valueOf(manifest.length));
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest.toString());
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
    pushes.manifest("os/ubuntu", "22.04", OCI_MANIFEST, manifest);

    HttpResponse<byte[]> byTag = http.get("/v2/os/ubuntu/manifests/22.04");
    HttpResponse<byte[]> byDigest = http.get("/v2/os/ubuntu/manifests/" + digest);

    assertThat(byDigest.statusCode()).isEqualTo(200);
    assertThat(byDigest.body()).isEqualTo(manifest);
    assertThat(headersWithoutDate(byDigest)).isEqualTo(headersWithoutDate(byTag));
  }

  @Test
  void headAnswersTheSameHeadersAsGetWithoutBody() throws Exception {
    pushes.manifest("os/ubuntu", "22.04", OCI_MANIFEST, manifest);

    for (String reference : List.of("22.04", digest.toString())) {
      HttpResponse<byte[]> get = http.get("/v2/os/ubuntu/manifests/" + reference);
      HttpResponse<byte[]> head = http.head("/v2/os/ubuntu/manifests/" + reference);

      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(headersWithoutDate(head)).isEqualTo(headersWithoutDate(get));
    }
  }

  @Test
  void contentTypeParametersAreIgnored() throws Exception {
    HttpResponse<byte[]> response =
        http.put("/v2/os/ubuntu/manifests/v1", OCI_MANIFEST + "; charset=utf-8", manifest);

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
    assertThat(http.get("/v2/os/ubuntu/manifests/v1").headers().firstValue("Content-Type"))
        .hasValue(OCI_MANIFEST);
  }

  @Test
  void contentTypeThatDisagreesWithMediaTypeReturns400ManifestInvalid() throws Exception {
    HttpResponse<byte[]> response = http.put("/v2/os/ubuntu/manifests/v1", OCI_INDEX, manifest);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_INVALID");
    assertThat(http.get("/v2/os/ubuntu/manifests/v1").statusCode()).isEqualTo(404);
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
    HttpResponse<byte[]> response =
        http.put("/v2/os/ubuntu/manifests/v1", OCI_MANIFEST, body.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_INVALID");
  }

  @Test
  void descriptorSizeThatDisagreesWithTheBlobReturns400ManifestInvalid() throws Exception {
    Map<String, Object> body = imageManifest(OCI_MANIFEST, config, layer);
    @SuppressWarnings("unchecked")
    Map<String, Object> layerDescriptor =
        (Map<String, Object>) ((List<Object>) body.get("layers")).get(0);
    layerDescriptor.put("size", 4999);

    HttpResponse<byte[]> response =
        http.put("/v2/os/ubuntu/manifests/v1", OCI_MANIFEST, bytes(body));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_INVALID");
  }

  @Test
  void missingLayerReturns404ManifestBlobUnknown() throws Exception {
    Pushes.Blob missing = new Pushes.Blob(Digest.sha256("absent".getBytes()), "absent".getBytes());

    HttpResponse<byte[]> response =
        http.put(
            "/v2/os/ubuntu/manifests/v1",
            OCI_MANIFEST,
            bytes(imageManifest(OCI_MANIFEST, config, layer, missing)));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
    assertThat(http.get("/v2/os/ubuntu/manifests/v1").statusCode()).isEqualTo(404);
  }

  @Test
  void missingConfigReturns404ManifestBlobUnknown() throws Exception {
    Pushes.Blob missing = new Pushes.Blob(Digest.sha256("{}".getBytes()), "{}".getBytes());

    HttpResponse<byte[]> response =
        http.put(
            "/v2/os/ubuntu/manifests/v1",
            OCI_MANIFEST,
            bytes(imageManifest(OCI_MANIFEST, missing, layer)));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void blobOnlyInAnotherRepositoryReturns404ManifestBlobUnknown() throws Exception {
    HttpResponse<byte[]> response = http.put("/v2/os/debian/manifests/v1", OCI_MANIFEST, manifest);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void manifestOverFourMebibytesReturns413() throws Exception {
    byte[] body = oversized(FOUR_MIB + 1);

    HttpResponse<byte[]> response = http.put("/v2/os/ubuntu/manifests/big", OCI_MANIFEST, body);

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(413);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_INVALID");
    assertThat(http.get("/v2/os/ubuntu/manifests/big").statusCode()).isEqualTo(404);
  }

  @Test
  void streamedManifestOverFourMebibytesReturns413() throws Exception {
    byte[] body = oversized(FOUR_MIB + 1);

    HttpResponse<byte[]> response =
        http.send(
            http.request("/v2/os/ubuntu/manifests/big")
                .header("Content-Type", OCI_MANIFEST)
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body))));

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(413);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_INVALID");
  }

  @Test
  void manifestOfExactlyFourMebibytesIsAccepted() throws Exception {
    byte[] body = padded(FOUR_MIB);
    assertThat(body).hasSize(FOUR_MIB);

    HttpResponse<byte[]> pushed = http.put("/v2/os/ubuntu/manifests/big", OCI_MANIFEST, body);
    HttpResponse<byte[]> pulled = http.get("/v2/os/ubuntu/manifests/big");

    assertThat(pushed.statusCode()).as(describe(pushed)).isEqualTo(201);
    assertThat(pulled.statusCode()).isEqualTo(200);
    assertThat(pulled.body()).isEqualTo(body);
  }

  @Test
  void digestReferenceThatDoesNotMatchTheBodyReturns400DigestInvalid() throws Exception {
    Digest other = Digest.sha256("other".getBytes());

    HttpResponse<byte[]> response =
        http.put("/v2/os/ubuntu/manifests/" + other, OCI_MANIFEST, manifest);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(http.get("/v2/os/ubuntu/manifests/" + digest).statusCode()).isEqualTo(404);
  }

  @Test
  void manifestWithSubjectReturns201WithOciSubject() throws Exception {
    Pushes.Manifest subject = pushes.manifest("os/ubuntu", "22.04", OCI_MANIFEST, manifest);
    Map<String, Object> body = imageManifest(OCI_MANIFEST, config, layer);
    body.put("subject", subject.descriptor());

    HttpResponse<byte[]> response =
        http.put("/v2/os/ubuntu/manifests/signature", OCI_MANIFEST, bytes(body));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("OCI-Subject")).hasValue(subject.digest().toString());
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
    pushes.manifest("os/ubuntu", "22.04", OCI_MANIFEST, manifest);
    pushes.manifest("os/ubuntu", "latest", OCI_MANIFEST, manifest);
    Pushes.Manifest other = pushes.image("os/ubuntu", "other", "other");

    HttpResponse<byte[]> deleted = http.delete("/v2/os/ubuntu/manifests/" + digest);

    assertThat(deleted.statusCode()).isEqualTo(202);
    assertThat(deleted.body()).isEmpty();
    for (String reference : List.of(digest.toString(), "22.04", "latest")) {
      HttpResponse<byte[]> get = http.get("/v2/os/ubuntu/manifests/" + reference);
      assertThat(get.statusCode()).as(describe(get)).isEqualTo(404);
      assertThat(errorCode(get)).isEqualTo("MANIFEST_UNKNOWN");
      assertThat(http.head("/v2/os/ubuntu/manifests/" + reference).statusCode()).isEqualTo(404);
    }
    assertThat(Pushes.json(http.get("/v2/os/ubuntu/tags/list")).get("tags").toString())
        .isEqualTo("[\"other\"]");
    assertThat(http.get("/v2/os/ubuntu/manifests/" + other.digest()).statusCode()).isEqualTo(200);
  }

  @Test
  void deleteByTagReturns202AndKeepsTheManifest() throws Exception {
    pushes.manifest("os/ubuntu", "22.04", OCI_MANIFEST, manifest);
    pushes.manifest("os/ubuntu", "latest", OCI_MANIFEST, manifest);

    HttpResponse<byte[]> deleted = http.delete("/v2/os/ubuntu/manifests/latest");

    assertThat(deleted.statusCode()).isEqualTo(202);
    HttpResponse<byte[]> tag = http.get("/v2/os/ubuntu/manifests/latest");
    assertThat(tag.statusCode()).isEqualTo(404);
    assertThat(errorCode(tag)).isEqualTo("MANIFEST_UNKNOWN");
    assertThat(http.get("/v2/os/ubuntu/manifests/" + digest).body()).isEqualTo(manifest);
    assertThat(http.get("/v2/os/ubuntu/manifests/22.04").body()).isEqualTo(manifest);
    assertThat(Pushes.json(http.get("/v2/os/ubuntu/tags/list")).get("tags").toString())
        .isEqualTo("[\"22.04\"]");
  }

  @Test
  void unknownManifestReturns404ManifestUnknown() throws Exception {
    pushes.manifest("os/ubuntu", "22.04", OCI_MANIFEST, manifest);
    Digest unknown = Digest.sha256("unknown".getBytes());
    List<String> paths =
        List.of(
            "/v2/os/ubuntu/manifests/nope",
            "/v2/os/ubuntu/manifests/" + unknown,
            "/v2/os/never-pushed/manifests/22.04",
            "/v2/os/debian/manifests/" + digest);

    for (String path : paths) {
      HttpResponse<byte[]> get = http.get(path);
      HttpResponse<byte[]> head = http.head(path);
      HttpResponse<byte[]> delete = http.delete(path);
      assertThat(get.statusCode()).as(describe(get)).isEqualTo(404);
      assertThat(errorCode(get)).isEqualTo("MANIFEST_UNKNOWN");
      assertThat(head.statusCode()).isEqualTo(404);
      assertThat(head.body()).isEmpty();
      assertThat(delete.statusCode()).as(describe(delete)).isEqualTo(404);
      assertThat(errorCode(delete)).isEqualTo("MANIFEST_UNKNOWN");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-leading-dash", ".leading-dot", "tag+plus", "t%C3%A4g"})
  void pushToAnInvalidTagReturns400ManifestInvalid(String tag) throws Exception {
    HttpResponse<byte[]> put = http.put("/v2/os/ubuntu/manifests/" + tag, OCI_MANIFEST, manifest);

    assertThat(put.statusCode()).as(describe(put)).isEqualTo(400);
    assertThat(errorCode(put)).isEqualTo("MANIFEST_INVALID");
  }

  /**
   * A reference that is neither a tag nor a digest names no manifest: reading or deleting it is
   * 404, as the OCI conformance suite expects of its {@code .INVALID_MANIFEST_NAME}.
   */
  @ParameterizedTest
  @ValueSource(strings = {"-leading-dash", ".INVALID_MANIFEST_NAME", "tag+plus", "t%C3%A4g"})
  void readingOrDeletingAnInvalidTagReturns404ManifestUnknown(String tag) throws Exception {
    HttpResponse<byte[]> get = http.get("/v2/os/ubuntu/manifests/" + tag);
    HttpResponse<byte[]> head = http.head("/v2/os/ubuntu/manifests/" + tag);
    HttpResponse<byte[]> delete = http.delete("/v2/os/ubuntu/manifests/" + tag);

    for (HttpResponse<byte[]> response : List.of(get, delete)) {
      assertThat(response.statusCode()).as(describe(response)).isEqualTo(404);
      assertThat(errorCode(response)).isEqualTo("MANIFEST_UNKNOWN");
    }
    assertThat(head.statusCode()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void tagOf128CharactersIsAcceptedAnd129IsNot() throws Exception {
    String longest = "t".repeat(128);

    HttpResponse<byte[]> fits =
        http.put("/v2/os/ubuntu/manifests/" + longest, OCI_MANIFEST, manifest);
    HttpResponse<byte[]> tooLong =
        http.put("/v2/os/ubuntu/manifests/" + longest + "t", OCI_MANIFEST, manifest);

    assertThat(fits.statusCode()).isEqualTo(201);
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(errorCode(tooLong)).isEqualTo("MANIFEST_INVALID");
  }

  @Test
  void malformedDigestReferenceReturns400DigestInvalid() throws Exception {
    HttpResponse<byte[]> get = http.get("/v2/os/ubuntu/manifests/sha256:abc");
    HttpResponse<byte[]> put =
        http.put("/v2/os/ubuntu/manifests/sha256:abc", OCI_MANIFEST, manifest);

    assertThat(get.statusCode()).isEqualTo(400);
    assertThat(errorCode(get)).isEqualTo("DIGEST_INVALID");
    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(errorCode(put)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void pushingToAnExistingTagMovesIt() throws Exception {
    pushes.manifest("os/ubuntu", "latest", OCI_MANIFEST, manifest);
    Pushes.Manifest newer = pushes.image("os/ubuntu", "latest", "newer");

    HttpResponse<byte[]> response = http.get("/v2/os/ubuntu/manifests/latest");

    assertThat(response.body()).isEqualTo(newer.content());
    assertThat(response.headers().firstValue("Docker-Content-Digest"))
        .hasValue(newer.digest().toString());
    assertThat(http.get("/v2/os/ubuntu/manifests/" + digest).statusCode()).isEqualTo(200);
  }

  @Test
  void ociIndexIsAcceptedAndServedWithItsMediaType() throws Exception {
    Pushes.Manifest amd64 = pushes.manifest("os/ubuntu", digest.toString(), OCI_MANIFEST, manifest);
    Pushes.Manifest arm64 = pushes.image("os/ubuntu", "arm64", "arm64");
    byte[] index = bytes(Pushes.index(OCI_INDEX, amd64, arm64));

    HttpResponse<byte[]> pushed = http.put("/v2/os/ubuntu/manifests/multi", OCI_INDEX, index);
    HttpResponse<byte[]> pulled = http.get("/v2/os/ubuntu/manifests/multi");

    assertThat(pushed.statusCode()).as(describe(pushed)).isEqualTo(201);
    assertThat(pushed.headers().firstValue("Docker-Content-Digest"))
        .hasValue(Digest.sha256(index).toString());
    assertThat(pulled.body()).isEqualTo(index);
    assertThat(pulled.headers().firstValue("Content-Type")).hasValue(OCI_INDEX);
  }

  @Test
  void indexWithUnknownChildReturns404ManifestBlobUnknown() throws Exception {
    Pushes.Manifest known = pushes.manifest("os/ubuntu", "v1", OCI_MANIFEST, manifest);
    Pushes.Manifest unknown =
        new Pushes.Manifest(Digest.sha256("nope".getBytes()), "nope".getBytes(), OCI_MANIFEST);

    HttpResponse<byte[]> response =
        http.put(
            "/v2/os/ubuntu/manifests/multi",
            OCI_INDEX,
            bytes(Pushes.index(OCI_INDEX, known, unknown)));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void indexWhoseChildIsOnlyInAnotherRepositoryReturns404ManifestBlobUnknown() throws Exception {
    Pushes.Manifest child = pushes.manifest("os/ubuntu", "v1", OCI_MANIFEST, manifest);

    HttpResponse<byte[]> response =
        http.put("/v2/os/debian/manifests/multi", OCI_INDEX, bytes(Pushes.index(OCI_INDEX, child)));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void dockerSchema2ManifestAndManifestListAreAccepted() throws Exception {
    byte[] dockerManifest = bytes(imageManifest(DOCKER_MANIFEST, config, layer));
    Pushes.Manifest image = pushes.manifest("os/ubuntu", "docker", DOCKER_MANIFEST, dockerManifest);
    byte[] list = bytes(Pushes.index(DOCKER_MANIFEST_LIST, image));

    HttpResponse<byte[]> pushedList =
        http.put("/v2/os/ubuntu/manifests/docker-list", DOCKER_MANIFEST_LIST, list);

    assertThat(pushedList.statusCode()).as(describe(pushedList)).isEqualTo(201);
    HttpResponse<byte[]> pulledImage = http.get("/v2/os/ubuntu/manifests/docker");
    assertThat(pulledImage.body()).isEqualTo(dockerManifest);
    assertThat(pulledImage.headers().firstValue("Content-Type")).hasValue(DOCKER_MANIFEST);
    HttpResponse<byte[]> pulledList = http.get("/v2/os/ubuntu/manifests/docker-list");
    assertThat(pulledList.body()).isEqualTo(list);
    assertThat(pulledList.headers().firstValue("Content-Type")).hasValue(DOCKER_MANIFEST_LIST);
  }

  @Test
  void artifactManifestWithEmptyConfigIsAccepted() throws Exception {
    Pushes.Blob empty = pushes.blob("os/ubuntu", "{}");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemaVersion", 2);
    body.put("mediaType", OCI_MANIFEST);
    body.put("artifactType", "application/vnd.example.sbom.v1");
    body.put("config", empty.descriptor(Pushes.OCI_EMPTY));
    body.put("layers", List.of(layer.descriptor("application/spdx+json")));

    HttpResponse<byte[]> response =
        http.put("/v2/os/ubuntu/manifests/sbom", OCI_MANIFEST, bytes(body));

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
    assertThat(http.get("/v2/os/ubuntu/manifests/sbom").body()).isEqualTo(bytes(body));
  }

  @Test
  void manifestOfAnotherRepositoryIsNotVisible() throws Exception {
    pushes.manifest("os/ubuntu", "22.04", OCI_MANIFEST, manifest);

    HttpResponse<byte[]> response = http.get("/v2/os/ubuntu/nested/manifests/" + digest);

    assertThat(response.statusCode()).isEqualTo(404);
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
    Map<String, Object> body = imageManifest(OCI_MANIFEST, config, layer);
    body.put("annotations", Map.of("padding", ""));
    int base = bytes(body).length;
    body.put("annotations", Map.of("padding", "p".repeat(size - base)));
    return bytes(body);
  }
}
