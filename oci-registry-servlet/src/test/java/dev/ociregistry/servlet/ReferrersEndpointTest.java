package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Pushes.OCI_INDEX;
import static dev.ociregistry.servlet.testing.Pushes.OCI_MANIFEST;
import static dev.ociregistry.servlet.testing.Pushes.bytes;
import static dev.ociregistry.servlet.testing.Pushes.describe;
import static dev.ociregistry.servlet.testing.Pushes.errorCode;
import static dev.ociregistry.servlet.testing.Pushes.headerNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.servlet.testing.Http;
import dev.ociregistry.servlet.testing.Pushes;
import dev.ociregistry.servlet.testing.RegistryServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The referrers API (end-12a, end-12b): an image index of the manifests whose subject is given. */
class ReferrersEndpointTest {
  private static final String SBOM = "application/vnd.example.sbom.v1";
  private static final String SIGNATURE = "application/vnd.example.signature.v1";

  @TempDir Path root;

  private RegistryServer server;
  private Http http;
  private Pushes pushes;
  private Pushes.Manifest subject;
  private Pushes.Blob empty;
  private Pushes.Blob payload;

  @BeforeEach
  void start() throws Exception {
    server = RegistryServer.start(root);
    http = new Http(server.base());
    pushes = new Pushes(http);
    subject = pushes.image("app/web", "v1", "subject");
    empty = pushes.blob("app/web", "{}");
    payload = pushes.blob("app/web", "{\"spdxVersion\":\"SPDX-2.3\"}");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** An artifact manifest with an empty config, pushed by digest, referring to {@code subject}. */
  private Pushes.Manifest artifact(
      String repository, String artifactType, Map<String, String> annotations, Digest subject)
      throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemaVersion", 2);
    body.put("mediaType", OCI_MANIFEST);
    if (artifactType != null) {
      body.put("artifactType", artifactType);
    }
    body.put("config", empty.descriptor(Pushes.OCI_EMPTY));
    body.put("layers", List.of(payload.descriptor("application/spdx+json")));
    body.put("subject", Pushes.descriptor(OCI_MANIFEST, subject, this.subject.content().length));
    if (!annotations.isEmpty()) {
      body.put("annotations", annotations);
    }
    byte[] bytes = bytes(body);
    HttpResponse<byte[]> response =
        http.put("/v2/" + repository + "/manifests/" + Digest.sha256(bytes), OCI_MANIFEST, bytes);
    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
    assertThat(response.headers().firstValue("OCI-Subject")).hasValue(subject.toString());
    return new Pushes.Manifest(Digest.sha256(bytes), bytes, OCI_MANIFEST);
  }

  private Pushes.Manifest artifact(String artifactType, Map<String, String> annotations)
      throws Exception {
    return artifact("app/web", artifactType, annotations, subject.digest());
  }

  @Test
  void referrersAreAnImageIndexOfDescriptorsWithArtifactTypeAndAnnotations() throws Exception {
    Pushes.Manifest sbom =
        artifact(SBOM, Map.of("org.example.format", "json", "org.example.kind", "sbom"));
    Pushes.Manifest signature = artifact(SIGNATURE, Map.of());

    HttpResponse<byte[]> response = http.get("/v2/app/web/referrers/" + subject.digest());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(OCI_INDEX);
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "content-type", "content-length", "docker-distribution-api-version");
    JsonNode index = Pushes.json(response);
    assertThat(index.get("schemaVersion").asInt()).isEqualTo(2);
    assertThat(index.get("mediaType").asText()).isEqualTo(OCI_INDEX);
    assertThat(descriptors(index))
        .containsExactlyInAnyOrder(
            Map.of(
                "mediaType",
                OCI_MANIFEST,
                "digest",
                sbom.digest().toString(),
                "size",
                sbom.content().length,
                "artifactType",
                SBOM,
                "annotations",
                Map.of("org.example.format", "json", "org.example.kind", "sbom")),
            Map.of(
                "mediaType",
                OCI_MANIFEST,
                "digest",
                signature.digest().toString(),
                "size",
                signature.content().length,
                "artifactType",
                SIGNATURE));
  }

  @Test
  void imageManifestWithoutArtifactTypeIsReportedWithItsConfigMediaType() throws Exception {
    Pushes.Manifest untyped = artifact(null, Map.of());

    JsonNode index = Pushes.json(http.get("/v2/app/web/referrers/" + subject.digest()));

    assertThat(descriptors(index))
        .containsExactly(
            Map.of(
                "mediaType",
                OCI_MANIFEST,
                "digest",
                untyped.digest().toString(),
                "size",
                untyped.content().length,
                "artifactType",
                Pushes.OCI_EMPTY));
  }

  @Test
  void indexReferrerWithoutArtifactTypeHasNoArtifactType() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemaVersion", 2);
    body.put("mediaType", OCI_INDEX);
    body.put("manifests", List.of());
    body.put("subject", subject.descriptor());
    body.put("annotations", Map.of("org.example.kind", "bundle"));
    Pushes.Manifest index = pushes.manifest("app/web", "bundle", OCI_INDEX, bytes(body));

    JsonNode referrers = Pushes.json(http.get("/v2/app/web/referrers/" + subject.digest()));

    assertThat(descriptors(referrers))
        .containsExactly(
            Map.of(
                "mediaType",
                OCI_INDEX,
                "digest",
                index.digest().toString(),
                "size",
                index.content().length,
                "annotations",
                Map.of("org.example.kind", "bundle")));
  }

  @Test
  void subjectWithoutReferrersHasAnEmptyManifestsArray() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/app/web/referrers/" + subject.digest());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(OCI_INDEX);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[]}");
  }

  @Test
  void unknownSubjectAndUnknownRepositoryAnswer200WithEmptyManifests() throws Exception {
    Digest unknown = Digest.sha256("unknown".getBytes());

    HttpResponse<byte[]> unknownSubject = http.get("/v2/app/web/referrers/" + unknown);
    HttpResponse<byte[]> unknownRepository =
        http.get("/v2/app/nothing/referrers/" + subject.digest());

    for (HttpResponse<byte[]> response : List.of(unknownSubject, unknownRepository)) {
      assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue(OCI_INDEX);
      assertThat(Pushes.json(response).get("manifests").isArray()).isTrue();
      assertThat(Pushes.json(response).get("manifests")).isEmpty();
    }
  }

  @Test
  void artifactTypeFilterSelectsMatchingReferrersAndSaysSo() throws Exception {
    Pushes.Manifest sbom = artifact(SBOM, Map.of());
    artifact(SIGNATURE, Map.of());

    HttpResponse<byte[]> response =
        http.get(
            "/v2/app/web/referrers/"
                + subject.digest()
                + "?artifactType="
                + URLEncoder.encode(SBOM, StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().allValues("OCI-Filters-Applied")).containsExactly("artifactType");
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "content-type",
            "content-length",
            "oci-filters-applied",
            "docker-distribution-api-version");
    assertThat(descriptors(Pushes.json(response)))
        .extracting(descriptor -> descriptor.get("digest"))
        .containsExactly(sbom.digest().toString());
  }

  @Test
  void unencodedSlashInArtifactTypeFilterWorksToo() throws Exception {
    Pushes.Manifest sbom = artifact(SBOM, Map.of());

    HttpResponse<byte[]> response =
        http.get("/v2/app/web/referrers/" + subject.digest() + "?artifactType=" + SBOM);

    assertThat(descriptors(Pushes.json(response)))
        .extracting(descriptor -> descriptor.get("digest"))
        .containsExactly(sbom.digest().toString());
  }

  @Test
  void filterThatMatchesNothingReturnsAnEmptyListAndSaysSo() throws Exception {
    artifact(SBOM, Map.of());

    HttpResponse<byte[]> response =
        http.get("/v2/app/web/referrers/" + subject.digest() + "?artifactType=text%2Fplain");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
    assertThat(Pushes.json(response).get("manifests")).isEmpty();
  }

  @Test
  void noFiltersAppliedHeaderWithoutAFilter() throws Exception {
    artifact(SBOM, Map.of());

    HttpResponse<byte[]> response = http.get("/v2/app/web/referrers/" + subject.digest());

    assertThat(response.headers().firstValue("OCI-Filters-Applied")).isEmpty();
    assertThat(Pushes.json(response).get("manifests")).hasSize(1);
  }

  @Test
  void referrerPushedBeforeItsSubjectIsListed() throws Exception {
    Digest future = Digest.sha256("a manifest pushed later".getBytes());

    Pushes.Manifest early = artifact("app/web", SBOM, Map.of(), future);

    assertThat(descriptors(Pushes.json(http.get("/v2/app/web/referrers/" + future))))
        .extracting(descriptor -> descriptor.get("digest"))
        .containsExactly(early.digest().toString());
  }

  @Test
  void deletedReferrerIsNoLongerListed() throws Exception {
    Pushes.Manifest sbom = artifact(SBOM, Map.of());
    Pushes.Manifest signature = artifact(SIGNATURE, Map.of());

    assertThat(http.delete("/v2/app/web/manifests/" + sbom.digest()).statusCode()).isEqualTo(202);

    assertThat(descriptors(Pushes.json(http.get("/v2/app/web/referrers/" + subject.digest()))))
        .extracting(descriptor -> descriptor.get("digest"))
        .containsExactly(signature.digest().toString());
  }

  @Test
  void referrersAreScopedToTheirRepository() throws Exception {
    artifact(SBOM, Map.of());

    HttpResponse<byte[]> response = http.get("/v2/app/other/referrers/" + subject.digest());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Pushes.json(response).get("manifests")).isEmpty();
  }

  @Test
  void invalidDigestReturns400DigestInvalid() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/app/web/referrers/sha256:abc");
    HttpResponse<byte[]> tag = http.get("/v2/app/web/referrers/v1");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(tag.statusCode()).isEqualTo(400);
    assertThat(errorCode(tag)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void invalidNameReturns400NameInvalid() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/App/referrers/" + subject.digest());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("NAME_INVALID");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> descriptors(JsonNode index) {
    assertThat(Pushes.fieldNames(index)).containsExactly("schemaVersion", "mediaType", "manifests");
    List<Map<String, Object>> descriptors = new ArrayList<>();
    for (JsonNode descriptor : index.get("manifests")) {
      descriptors.add(Pushes.JSON.convertValue(descriptor, Map.class));
    }
    return descriptors;
  }
}
