package dev.ociregistry.servlet.conformance;

import static dev.ociregistry.servlet.conformance.ConformanceFixtures.ANNOTATION_KEY;
import static dev.ociregistry.servlet.conformance.ConformanceFixtures.ARTIFACT_TYPE_FILTER;
import static dev.ociregistry.servlet.conformance.ConformanceFixtures.EMPTY_JSON_DIGEST;
import static dev.ociregistry.servlet.conformance.ConformanceFixtures.TEST_TAG_NAME;
import static dev.ociregistry.testkit.Artifacts.OCI_INDEX;
import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.servlet.conformance.ConformanceClient.Resp;
import dev.ociregistry.servlet.conformance.ConformanceFixtures.TestBlob;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The content discovery workflow of the OCI conformance suite ({@code
 * conformance/03_discovery_test.go}): tag listing with {@code n} and {@code last}, and the
 * referrers API with and without an {@code artifactType} filter.
 */
public class ConformanceContentDiscoveryTest extends ConformanceTestBase {
  private int numTags = 4;
  private List<String> tagList = new ArrayList<>();

  @BeforeEach
  void enabled() {}

  // 03_discovery Setup: "Populate registry with test blob"
  @Test
  @Order(1)
  @DisplayName("Setup: Populate registry with test blob")
  void setupPushesConfig() throws Exception {
    assertCreated(pushBlob(f.configs.get(2)));
  }

  // 03_discovery Setup: "Populate registry with test layer"
  @Test
  @Order(2)
  @DisplayName("Setup: Populate registry with test layer")
  void setupPushesLayer() throws Exception {
    assertCreated(pushBlob(f.layerBlob));
  }

  // 03_discovery Setup: "Populate registry with test tags"
  @Test
  @Order(3)
  @DisplayName("Setup: Populate registry with test tags")
  void setupPushesTags() throws Exception {
    for (int i = 0; i < numTags; i++) {
      String tag = "test" + i;
      tagList.add(tag);
      assertCreated(pushManifest(tag, OCI_MANIFEST, f.manifests.get(2).content()));
    }
    tagList = request("GET", "/v2/<name>/tags/list").send().tagList();
  }

  // 03_discovery Setup: "References setup"
  @Test
  @Order(5)
  @DisplayName("Setup: References setup")
  void setupPushesReferrers() throws Exception {
    String subject = f.manifests.get(4).digest();

    TestBlob emptyJson = TestBlob.of(f.emptyJsonBlob);
    assertThat(emptyJson.digest()).isEqualTo(EMPTY_JSON_DIGEST);
    assertCreated(pushBlob(emptyJson));
    // reference blob pushed before the image manifest
    assertCreated(pushBlob(f.testRefBlobA));

    // referrers pushed before their subject exists
    assertSubjectAnswered(
        pushManifest(
            f.refsManifestAConfigArtifact.digest(),
            OCI_MANIFEST,
            f.refsManifestAConfigArtifact.content()),
        subject);
    assertSubjectAnswered(
        pushManifest(
            f.refsManifestALayerArtifact.digest(),
            OCI_MANIFEST,
            f.refsManifestALayerArtifact.content()),
        subject);
    assertSubjectAnswered(
        pushManifest(f.refsIndexArtifact.digest(), OCI_INDEX, f.refsIndexArtifact.content()),
        subject);

    // the subject: config 4, the layer, manifest 4 under the test tag
    assertCreated(pushBlob(f.configs.get(4)));
    assertCreated(pushBlob(f.layerBlob));
    assertCreated(pushManifest(TEST_TAG_NAME, OCI_MANIFEST, f.manifests.get(4).content()));

    // reference blob pushed after the image manifest, and referrers after their subject
    assertCreated(pushBlob(f.testRefBlobB));
    assertSubjectAnswered(
        pushManifest(
            f.refsManifestBConfigArtifact.digest(),
            OCI_MANIFEST,
            f.refsManifestBConfigArtifact.content()),
        subject);
    assertSubjectAnswered(
        pushManifest(
            f.refsManifestBLayerArtifact.digest(),
            OCI_MANIFEST,
            f.refsManifestBLayerArtifact.content()),
        subject);

    // a referrer whose subject (manifest 3) is never pushed
    assertSubjectAnswered(
        pushManifest(
            f.refsManifestCLayerArtifact.digest(),
            OCI_MANIFEST,
            f.refsManifestCLayerArtifact.content()),
        f.manifests.get(3).digest());
  }

  private static void assertSubjectAnswered(Resp resp, String subject) {
    assertCreated(resp);
    assertThat(resp.header("OCI-Subject")).as("OCI-Subject of %s", resp).isEqualTo(subject);
  }

  // 03_discovery Listing tags: "GET request to list tags should yield 200 response"
  @Test
  @Order(10)
  @DisplayName("Listing tags: GET request to list tags should yield 200 response")
  void listTagsIs200() throws Exception {
    Resp resp = request("GET", "/v2/<name>/tags/list").send();
    assertStatus(resp, 200);
    tagList = resp.tagList();
    numTags = tagList.size();
  }

  // 03_discovery Listing tags: "GET number of tags should be limitable by `n` query parameter"
  @Test
  @Order(11)
  @DisplayName("Listing tags: GET number of tags should be limitable by `n` query parameter")
  void listTagsIsLimitedByN() throws Exception {
    int numResults = numTags / 2;
    Resp resp =
        request("GET", "/v2/<name>/tags/list").query("n", Integer.toString(numResults)).send();
    assertStatus(resp, 200);
    tagList = resp.tagList();
    assertThat(tagList).as("tags of %s", resp).hasSize(numResults);
  }

  // 03_discovery Listing tags: "GET start of tag is set by `last` query parameter"
  @Test
  @Order(12)
  @DisplayName("Listing tags: GET start of tag is set by `last` query parameter")
  void listTagsStartsAfterLast() throws Exception {
    int numResults = numTags / 2;
    Resp resp =
        request("GET", "/v2/<name>/tags/list").query("n", Integer.toString(numResults)).send();
    tagList = resp.tagList();
    resp =
        request("GET", "/v2/<name>/tags/list")
            .query("n", Integer.toString(numResults))
            .query("last", tagList.get(numResults - 1))
            .send();
    assertStatus(resp, 200);
    // As the Go spec does, these two checks read the list of the first page (not re-read from
    // the second response).
    assertThat(tagList.size()).isLessThanOrEqualTo(numResults);
    assertThat(tagList).contains(tagList.get(numResults - 1));
  }

  // 03_discovery Listing references: "GET request to nonexistent blob should result in empty 200
  // response"
  @Test
  @Order(20)
  @DisplayName(
      "Listing references: GET request to nonexistent blob should result in empty 200 response")
  void referrersOfUnknownDigestAreEmpty() throws Exception {
    Resp resp = request("GET", "/v2/<name>/referrers/<digest>").digest(f.dummyDigest).send();
    assertStatus(resp, 200);
    assertThat(resp.header("Content-Type")).as("Content-Type of %s", resp).isEqualTo(OCI_INDEX);
    assertThat(manifestsOf(resp)).as("manifests of %s", resp).isEmpty();
  }

  // 03_discovery Listing references: "GET request to existing blob should yield 200"
  @Test
  @Order(21)
  @DisplayName("Listing references: GET request to existing blob should yield 200")
  void referrersOfSubjectAreListed() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/referrers/<digest>").digest(f.manifests.get(4).digest()).send();
    assertStatus(resp, 200);
    assertThat(resp.header("Content-Type")).as("Content-Type of %s", resp).isEqualTo(OCI_INDEX);
    List<JsonNode> manifests = manifestsOf(resp);
    assertThat(manifests).as("manifests of %s", resp).hasSize(5);
    assertThat(manifests.get(0).path("digest").asText())
        .isNotEqualTo(manifests.get(1).path("digest").asText());
    assertAnnotations(manifests, resp);
  }

  // 03_discovery Listing references: "GET request to existing blob with filter should yield 200"
  // (a warning only, when the registry does not filter)
  @Test
  @Order(22)
  @DisplayName("Listing references: GET request to existing blob with filter should yield 200")
  void referrersAreFilteredByArtifactType() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/referrers/<digest>")
            .digest(f.manifests.get(4).digest())
            .query("artifactType", f.testRefArtifactTypeA)
            .send();
    assertStatus(resp, 200);
    assertThat(resp.header("Content-Type")).as("Content-Type of %s", resp).isEqualTo(OCI_INDEX);
    List<JsonNode> manifests = manifestsOf(resp);
    if (!resp.header("OCI-Filters-Applied").isEmpty()) {
      assertThat(manifests).as("manifests of %s", resp).hasSize(2);
      assertThat(resp.header("OCI-Filters-Applied")).isEqualTo(ARTIFACT_TYPE_FILTER);
      assertAnnotations(manifests, resp);
    } else {
      assertThat(manifests).as("manifests of %s", resp).hasSize(5);
      assertAnnotations(manifests, resp);
      warn(
          "03_discovery \"GET request to existing blob with filter should yield 200\"",
          "filtering by artifact-type is not implemented");
    }
  }

  // 03_discovery Listing references: "GET request to missing manifest should yield 200"
  @Test
  @Order(23)
  @DisplayName("Listing references: GET request to missing manifest should yield 200")
  void referrersOfMissingSubjectAreListed() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/referrers/<digest>").digest(f.manifests.get(3).digest()).send();
    assertStatus(resp, 200);
    assertThat(resp.header("Content-Type")).as("Content-Type of %s", resp).isEqualTo(OCI_INDEX);
    List<JsonNode> manifests = manifestsOf(resp);
    assertThat(manifests).as("manifests of %s", resp).hasSize(1);
    assertThat(manifests.get(0).path("digest").asText())
        .isEqualTo(f.refsManifestCLayerArtifact.digest());
  }

  /** The suite unmarshals the body into its index struct: an object whose manifests are a list. */
  private static List<JsonNode> manifestsOf(Resp resp) throws Exception {
    JsonNode index = resp.json();
    assertThat(index != null && index.isObject()).as("an image index: %s", resp).isTrue();
    JsonNode manifests = index.path("manifests");
    assertThat(manifests.isMissingNode() || manifests.isNull() || manifests.isArray())
        .as("manifests of %s", resp)
        .isTrue();
    List<JsonNode> list = new ArrayList<>();
    manifests.forEach(list::add);
    return list;
  }

  /** Each referrer carries exactly its one annotation, copied from its manifest. */
  private void assertAnnotations(List<JsonNode> manifests, Resp resp) {
    for (JsonNode descriptor : manifests) {
      JsonNode annotations = descriptor.path("annotations");
      assertThat(annotations.size()).as("annotations of %s in %s", descriptor, resp).isEqualTo(1);
      String expected = f.testAnnotationValues.get(descriptor.path("digest").asText());
      assertThat(
              annotations.path(ANNOTATION_KEY).isMissingNode()
                  ? ""
                  : annotations.path(ANNOTATION_KEY).asText())
          .as("annotation of %s", descriptor)
          .isEqualTo(expected == null ? "" : expected);
    }
  }

  // 03_discovery Teardown: "Delete created manifest & associated tags" (before the blobs)
  @Test
  @Order(30)
  @DisplayName("Teardown: Delete created manifest & associated tags")
  void teardownDeletesManifestsFirst() throws Exception {
    deleteManifestsAndTags();
  }

  // 03_discovery Teardown: "Delete config blob created in tests"
  @Test
  @Order(31)
  @DisplayName("Teardown: Delete config blob created in tests")
  void teardownDeletesConfig() throws Exception {
    Resp resp = deleteBlob(f.configs.get(2).digest());
    assertDeleted(resp);
  }

  // 03_discovery Teardown: "Delete layer blob created in setup"
  @Test
  @Order(32)
  @DisplayName("Teardown: Delete layer blob created in setup")
  void teardownDeletesLayer() throws Exception {
    Resp resp = deleteBlob(f.layerBlob.digest());
    assertDeleted(resp);
  }

  // 03_discovery Teardown: "References teardown"
  @Test
  @Order(34)
  @DisplayName("Teardown: References teardown")
  void teardownDeletesReferrers() throws Exception {
    deleteReferrerManifests();
    // No step before deleted these blobs (only config 2 and the layer went, at orders 31 and 32).
    for (String blob :
        List.of(
            f.configs.get(4).digest(),
            f.testRefBlobA.digest(),
            f.testRefBlobB.digest(),
            EMPTY_JSON_DIGEST)) {
      assertDeleted(deleteBlob(blob));
    }
  }

  /**
   * The suite deletes the referrers and their subject a second time here. Each of them was deleted
   * by digest at order 30 ({@link #deleteManifestsAndTags}), so each is unknown now.
   */
  private void deleteReferrerManifests() throws Exception {
    assertAlreadyDeleted(deleteByReference(f.refsIndexArtifact.digest()), "MANIFEST_UNKNOWN");
    assertAlreadyDeleted(
        deleteByReference(f.refsManifestAConfigArtifact.digest()), "MANIFEST_UNKNOWN");
    assertAlreadyDeleted(
        deleteByReference(f.refsManifestALayerArtifact.digest()), "MANIFEST_UNKNOWN");
    assertAlreadyDeleted(deleteManifest(f.manifests.get(4).digest()), "MANIFEST_UNKNOWN");
    assertAlreadyDeleted(
        deleteByReference(f.refsManifestBConfigArtifact.digest()), "MANIFEST_UNKNOWN");
    assertAlreadyDeleted(
        deleteByReference(f.refsManifestBLayerArtifact.digest()), "MANIFEST_UNKNOWN");
  }

  private Resp deleteByReference(String reference) throws Exception {
    return request("DELETE", "/v2/<name>/manifests/<reference>").reference(reference).send();
  }

  private void deleteManifestsAndTags() throws Exception {
    // the suite sends each through the <digest> template, the test tag included
    for (String reference :
        List.of(
            f.refsIndexArtifact.digest(),
            f.manifests.get(2).digest(),
            f.manifests.get(4).digest(),
            f.refsManifestAConfigArtifact.digest(),
            f.refsManifestALayerArtifact.digest(),
            TEST_TAG_NAME,
            f.refsManifestBConfigArtifact.digest(),
            f.refsManifestBLayerArtifact.digest(),
            f.refsManifestCLayerArtifact.digest())) {
      Resp resp = deleteManifest(reference);
      if (reference.equals(TEST_TAG_NAME)) {
        // The tag named manifest 4, deleted by digest above: a manifest's tags go with it.
        assertAlreadyDeleted(resp, "MANIFEST_UNKNOWN");
      } else {
        assertDeleted(resp);
      }
    }
  }
}
