package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Responses.describe;
import static dev.ociregistry.servlet.testing.Responses.errorCode;
import static dev.ociregistry.servlet.testing.Responses.headerNames;
import static dev.ociregistry.testkit.Artifacts.OCI_INDEX;
import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.servlet.testing.Responses;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The referrers API (end-12a, end-12b): an image index of the manifests whose subject is given. */
class ReferrersEndpointTest extends RegistryTestBase {
  private static final String SBOM = "application/vnd.example.sbom.v1";
  private static final String SIGNATURE = "application/vnd.example.signature.v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Manifest subject;
  private Blob empty;
  private Blob payload;

  @BeforeEach
  void pushSubjectAndBlobs() throws Exception {
    subject = pusher.image("app/web", "v1", Artifacts.image("subject"));
    empty = pusher.blob("app/web", Artifacts.EMPTY_CONFIG);
    payload =
        pusher.blob(
            "app/web",
            Artifacts.blob(
                "application/spdx+json",
                "{\"spdxVersion\":\"SPDX-2.3\"}".getBytes(StandardCharsets.UTF_8)));
  }

  /** An artifact manifest with an empty config, pushed by digest, referring to {@code subject}. */
  private Manifest artifact(
      String repository, String artifactType, Map<String, String> annotations, String subject)
      throws Exception {
    Artifacts.ManifestBuilder builder =
        Artifacts.image()
            .field("artifactType", artifactType)
            .config(empty)
            .layer(payload)
            .field("subject", Artifacts.descriptor(OCI_MANIFEST, subject, this.subject.size()));
    annotations.forEach(builder::annotation);
    Manifest artifact = builder.build();
    TestHttp.Response response =
        http.put(
            "/v2/" + repository + "/manifests/" + artifact.digest(),
            OCI_MANIFEST,
            artifact.content());
    assertThat(response.status()).as(describe(response)).isEqualTo(201);
    assertThat(response.header("OCI-Subject")).hasValue(subject);
    return artifact;
  }

  private Manifest artifact(String artifactType, Map<String, String> annotations) throws Exception {
    return artifact("app/web", artifactType, annotations, subject.digest());
  }

  @Test
  void referrersAreAnImageIndexOfDescriptorsWithArtifactTypeAndAnnotations() throws Exception {
    Manifest sbom =
        artifact(SBOM, Map.of("org.example.format", "json", "org.example.kind", "sbom"));
    Manifest signature = artifact(SIGNATURE, Map.of());

    TestHttp.Response response = http.get("/v2/app/web/referrers/" + subject.digest());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).hasValue(OCI_INDEX);
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "content-type", "content-length", "docker-distribution-api-version");
    JsonNode index = response.json();
    assertThat(index.get("schemaVersion").asInt()).isEqualTo(2);
    assertThat(index.get("mediaType").asText()).isEqualTo(OCI_INDEX);
    assertThat(descriptors(index))
        .containsExactlyInAnyOrder(
            Map.of(
                "mediaType",
                OCI_MANIFEST,
                "digest",
                sbom.digest(),
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
                signature.digest(),
                "size",
                signature.content().length,
                "artifactType",
                SIGNATURE));
  }

  @Test
  void imageManifestWithoutArtifactTypeIsReportedWithItsConfigMediaType() throws Exception {
    Manifest untyped = artifact(null, Map.of());

    JsonNode index = http.get("/v2/app/web/referrers/" + subject.digest()).json();

    assertThat(descriptors(index))
        .containsExactly(
            Map.of(
                "mediaType",
                OCI_MANIFEST,
                "digest",
                untyped.digest(),
                "size",
                untyped.content().length,
                "artifactType",
                Artifacts.OCI_EMPTY));
  }

  @Test
  void indexReferrerWithoutArtifactTypeHasNoArtifactType() throws Exception {
    Manifest index =
        pusher.manifest(
            "app/web",
            "bundle",
            Artifacts.index().subject(subject).annotation("org.example.kind", "bundle").build());

    JsonNode referrers = http.get("/v2/app/web/referrers/" + subject.digest()).json();

    assertThat(descriptors(referrers))
        .containsExactly(
            Map.of(
                "mediaType",
                OCI_INDEX,
                "digest",
                index.digest(),
                "size",
                index.content().length,
                "annotations",
                Map.of("org.example.kind", "bundle")));
  }

  @Test
  void subjectWithoutReferrersHasAnEmptyManifestsArray() throws Exception {
    TestHttp.Response response = http.get("/v2/app/web/referrers/" + subject.digest());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).hasValue(OCI_INDEX);
    assertThat(response.text())
        .isEqualTo("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[]}");
  }

  @Test
  void unknownSubjectAndUnknownRepositoryAnswer200WithEmptyManifests() throws Exception {
    String unknown = Digests.sha256("unknown".getBytes());

    TestHttp.Response unknownSubject = http.get("/v2/app/web/referrers/" + unknown);
    TestHttp.Response unknownRepository = http.get("/v2/app/nothing/referrers/" + subject.digest());

    for (TestHttp.Response response : List.of(unknownSubject, unknownRepository)) {
      assertThat(response.status()).as(describe(response)).isEqualTo(200);
      assertThat(response.header("Content-Type")).hasValue(OCI_INDEX);
      assertThat(response.json().get("manifests").isArray()).isTrue();
      assertThat(response.json().get("manifests")).isEmpty();
    }
  }

  @Test
  void artifactTypeFilterSelectsMatchingReferrersAndSaysSo() throws Exception {
    Manifest sbom = artifact(SBOM, Map.of());
    artifact(SIGNATURE, Map.of());

    TestHttp.Response response =
        http.get(
            "/v2/app/web/referrers/"
                + subject.digest()
                + "?artifactType="
                + URLEncoder.encode(SBOM, StandardCharsets.UTF_8));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.headerValues("OCI-Filters-Applied")).containsExactly("artifactType");
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "content-type",
            "content-length",
            "oci-filters-applied",
            "docker-distribution-api-version");
    assertThat(descriptors(response.json()))
        .extracting(descriptor -> descriptor.get("digest"))
        .containsExactly(sbom.digest());
  }

  @Test
  void unencodedSlashInArtifactTypeFilterWorksToo() throws Exception {
    Manifest sbom = artifact(SBOM, Map.of());

    TestHttp.Response response =
        http.get("/v2/app/web/referrers/" + subject.digest() + "?artifactType=" + SBOM);

    assertThat(descriptors(response.json()))
        .extracting(descriptor -> descriptor.get("digest"))
        .containsExactly(sbom.digest());
  }

  @Test
  void filterThatMatchesNothingReturnsAnEmptyListAndSaysSo() throws Exception {
    artifact(SBOM, Map.of());

    TestHttp.Response response =
        http.get("/v2/app/web/referrers/" + subject.digest() + "?artifactType=text%2Fplain");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("OCI-Filters-Applied")).hasValue("artifactType");
    assertThat(response.json().get("manifests")).isEmpty();
  }

  @Test
  void noFiltersAppliedHeaderWithoutAFilter() throws Exception {
    artifact(SBOM, Map.of());

    TestHttp.Response response = http.get("/v2/app/web/referrers/" + subject.digest());

    assertThat(response.header("OCI-Filters-Applied")).isEmpty();
    assertThat(response.json().get("manifests")).hasSize(1);
  }

  @Test
  void referrerPushedBeforeItsSubjectIsListed() throws Exception {
    String future = Digests.sha256("a manifest pushed later".getBytes());

    Manifest early = artifact("app/web", SBOM, Map.of(), future);

    assertThat(descriptors(http.get("/v2/app/web/referrers/" + future).json()))
        .extracting(descriptor -> descriptor.get("digest"))
        .containsExactly(early.digest());
  }

  @Test
  void deletedReferrerIsNoLongerListed() throws Exception {
    Manifest sbom = artifact(SBOM, Map.of());
    Manifest signature = artifact(SIGNATURE, Map.of());

    assertThat(http.delete("/v2/app/web/manifests/" + sbom.digest()).status()).isEqualTo(202);

    assertThat(descriptors(http.get("/v2/app/web/referrers/" + subject.digest()).json()))
        .extracting(descriptor -> descriptor.get("digest"))
        .containsExactly(signature.digest());
  }

  @Test
  void referrersAreScopedToTheirRepository() throws Exception {
    artifact(SBOM, Map.of());

    TestHttp.Response response = http.get("/v2/app/other/referrers/" + subject.digest());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("manifests")).isEmpty();
  }

  @Test
  void invalidDigestReturns400DigestInvalid() throws Exception {
    TestHttp.Response response = http.get("/v2/app/web/referrers/sha256:abc");
    TestHttp.Response tag = http.get("/v2/app/web/referrers/v1");

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(tag.status()).isEqualTo(400);
    assertThat(errorCode(tag)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void invalidNameReturns400NameInvalid() throws Exception {
    TestHttp.Response response = http.get("/v2/App/referrers/" + subject.digest());

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("NAME_INVALID");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> descriptors(JsonNode index) {
    assertThat(Responses.fieldNames(index))
        .containsExactly("schemaVersion", "mediaType", "manifests");
    List<Map<String, Object>> descriptors = new ArrayList<>();
    for (JsonNode descriptor : index.get("manifests")) {
      descriptors.add(JSON.convertValue(descriptor, Map.class));
    }
    return descriptors;
  }

  @Test
  void referrersWithLargeAnnotationsArePagedWithLinkAndEveryOneIsListedOnce() throws Exception {
    String large = "x".repeat(60 * 1024);
    Set<String> pushed = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      pushed.add(
          artifact(SBOM, Map.of("org.example.n", String.valueOf(i), "org.example.big", large))
              .digest());
    }

    Set<String> listed = new HashSet<>();
    String next = "/v2/app/web/referrers/" + subject.digest() + "?artifactType=" + SBOM;
    int pages = 0;
    while (next != null) {
      TestHttp.Response page = http.get(next);
      assertThat(page.status()).as(describe(page)).isEqualTo(200);
      assertThat(page.body().length).isLessThan(2 * 1024 * 1024);
      for (JsonNode descriptor : page.json().get("manifests")) {
        assertThat(listed.add(descriptor.get("digest").asText())).isTrue();
        assertThat(descriptor.get("artifactType").asText()).isEqualTo(SBOM);
      }
      pages++;
      next = page.nextLink().orElse(null);
    }

    assertThat(listed).isEqualTo(pushed);
    assertThat(pages).isGreaterThan(1);
  }

  @Test
  void referrersPagesHoldAtMostNDescriptors() throws Exception {
    for (int i = 0; i < 5; i++) {
      artifact(SIGNATURE, Map.of("org.example.n", String.valueOf(i)));
    }

    TestHttp.Response first = http.get("/v2/app/web/referrers/" + subject.digest() + "?n=2");

    assertThat(first.json().get("manifests")).hasSize(2);
    assertThat(first.nextLink()).isPresent();
    TestHttp.Response second = http.get(first.nextLink().get());
    assertThat(second.json().get("manifests")).hasSize(2);
    assertThat(second.json().get("manifests").get(0).get("digest").asText())
        .isGreaterThan(first.json().get("manifests").get(1).get("digest").asText());
  }
}
