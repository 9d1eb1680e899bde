package dev.ociregistry.servlet.conformance;

import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.servlet.conformance.ConformanceClient.Resp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The content management workflow of the OCI conformance suite ({@code
 * conformance/04_management_test.go}): deleting a tag, a manifest and blobs. Its teardown is empty.
 */
public class ConformanceContentManagementTest extends ConformanceTestBase {
  private static final String DEFAULT_TAG_NAME = "tagtest0";

  private String tagToDelete = "";
  private int numTags;

  @BeforeEach
  void enabled() {}

  // 04_management Setup: "Populate registry with test config blob"
  @Test
  @Order(1)
  @DisplayName("Setup: Populate registry with test config blob")
  void setupPushesConfig() throws Exception {
    assertCreated(pushBlob(f.configs.get(3)));
  }

  // 04_management Setup: "Populate registry with test layer"
  @Test
  @Order(2)
  @DisplayName("Setup: Populate registry with test layer")
  void setupPushesLayer() throws Exception {
    assertCreated(pushBlob(f.layerBlob));
  }

  // 04_management Setup: "Populate registry with test tag"
  @Test
  @Order(3)
  @DisplayName("Setup: Populate registry with test tag")
  void setupPushesTag() throws Exception {
    tagToDelete = DEFAULT_TAG_NAME;
    assertCreated(pushManifest(tagToDelete, OCI_MANIFEST, f.manifests.get(3).content()));
  }

  // 04_management Setup: "Check how many tags there are before anything gets deleted"
  @Test
  @Order(4)
  @DisplayName("Setup: Check how many tags there are before anything gets deleted")
  void setupCountsTags() throws Exception {
    Resp resp = request("GET", "/v2/<name>/tags/list").send();
    assertStatus(resp, 200);
    numTags = tagsOf(resp);
  }

  // 04_management Manifest delete: "DELETE request to manifest tag should return 202, unless tag
  // deletion is disallowed (400/405)"
  @Test
  @Order(10)
  @DisplayName(
      "Manifest delete: DELETE request to manifest tag should return 202, unless tag deletion is"
          + " disallowed (400/405)")
  void deleteTagIs202() throws Exception {
    Resp resp = request("DELETE", "/v2/<name>/manifests/<reference>").reference(tagToDelete).send();
    // The suite accepts 400 UNSUPPORTED or 405 from a registry that refuses tag deletes; this one
    // deletes tags.
    assertDeleted(resp);
  }

  // 04_management Manifest delete: "DELETE request to manifest (digest) should yield 202 response
  // unless already deleted"
  @Test
  @Order(11)
  @DisplayName(
      "Manifest delete: DELETE request to manifest (digest) should yield 202 response unless"
          + " already deleted")
  void deleteManifestByDigestIs202() throws Exception {
    Resp resp = deleteManifest(f.manifests.get(3).digest());
    // Deleting the tag left the manifest (the suite accepts 404 from a registry whose tag delete
    // took the manifest with it).
    assertDeleted(resp);
  }

  // 04_management Manifest delete: "GET request to deleted manifest URL should yield 404 response,
  // unless delete is disallowed"
  @Test
  @Order(12)
  @DisplayName(
      "Manifest delete: GET request to deleted manifest URL should yield 404 response, unless"
          + " delete is disallowed")
  void getDeletedManifestIs404() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/manifests/<digest>").digest(f.manifests.get(3).digest()).send();
    // The suite accepts 200 from a registry that refuses deletes; this one deleted it.
    assertStatus(resp, 404);
  }

  // 04_management Manifest delete: "GET request to tags list should reflect manifest deletion"
  @Test
  @Order(13)
  @DisplayName("Manifest delete: GET request to tags list should reflect manifest deletion")
  void tagListReflectsDeletion() throws Exception {
    Resp resp = request("GET", "/v2/<name>/tags/list").send();
    assertStatus(resp, 200);
    assertThat(tagsOf(resp)).as("tags of %s", resp).isLessThan(numTags);
  }

  // 04_management Blob delete: "DELETE request to blob URL should yield 202 response"
  @Test
  @Order(20)
  @DisplayName("Blob delete: DELETE request to blob URL should yield 202 response")
  void deleteBlobsIs202() throws Exception {
    Resp resp = deleteBlob(f.configs.get(3).digest());
    // The suite accepts 404 and 405 as well; this registry deletes blobs, each once here.
    assertDeleted(resp);
    resp = deleteBlob(f.layerBlob.digest());
    assertDeleted(resp);
  }

  // 04_management Blob delete: "GET request to deleted blob URL should yield 404 response"
  @Test
  @Order(21)
  @DisplayName("Blob delete: GET request to deleted blob URL should yield 404 response")
  void getDeletedBlobIs404() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/blobs/<digest>").digest(f.configs.get(3).digest()).send();
    assertStatus(resp, 404);
  }

  /** The suite unmarshals the tag list strictly: a body that is not JSON fails the step. */
  private static int tagsOf(Resp resp) throws Exception {
    JsonNode list = resp.json();
    assertThat(list != null && list.isObject()).as("a tag list: %s", resp).isTrue();
    JsonNode tags = list.path("tags");
    assertThat(tags.isMissingNode() || tags.isNull() || tags.isArray())
        .as("tags of %s", resp)
        .isTrue();
    return tags.size();
  }
}
