package dev.ociregistry.servlet.conformance;

import static dev.ociregistry.servlet.conformance.ConformanceFixtures.ERROR_CODES;
import static dev.ociregistry.servlet.conformance.ConformanceFixtures.INVALID_MANIFEST_CONTENT;
import static dev.ociregistry.servlet.conformance.ConformanceFixtures.NONEXISTENT_MANIFEST;
import static dev.ociregistry.servlet.conformance.ConformanceFixtures.TEST_TAG_NAME;
import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.servlet.conformance.ConformanceClient.Resp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The pull workflow of the OCI conformance suite ({@code conformance/01_pull_test.go}). */
public class ConformancePullTest extends ConformanceTestBase {
  private String tag = "";

  @BeforeEach
  void enabled() {}

  // 01_pull Setup: "Populate registry with test blob" (config 0)
  @Test
  @Order(1)
  @DisplayName("Setup: populate registry with test blob (config 0)")
  void setupPushesConfig0() throws Exception {
    assertCreated(pushBlob(f.configs.get(0)));
  }

  // 01_pull Setup: "Populate registry with test blob" (config 1)
  @Test
  @Order(2)
  @DisplayName("Setup: populate registry with test blob (config 1)")
  void setupPushesConfig1() throws Exception {
    assertCreated(pushBlob(f.configs.get(1)));
  }

  // 01_pull Setup: "Populate registry with test layer"
  @Test
  @Order(3)
  @DisplayName("Setup: populate registry with test layer")
  void setupPushesLayer() throws Exception {
    assertCreated(pushBlob(f.layerBlob));
  }

  // 01_pull Setup: "Populate registry with test manifest" (manifest 0, by tag)
  @Test
  @Order(4)
  @DisplayName("Setup: populate registry with test manifest (manifest 0 by tag)")
  void setupPushesManifest0ByTag() throws Exception {
    tag = TEST_TAG_NAME;
    assertCreated(pushManifest(tag, OCI_MANIFEST, f.manifests.get(0).content()));
  }

  // 01_pull Setup: "Populate registry with test manifest" (manifest 1, by digest)
  @Test
  @Order(5)
  @DisplayName("Setup: populate registry with test manifest (manifest 1 by digest)")
  void setupPushesManifest1ByDigest() throws Exception {
    assertCreated(
        pushManifest(f.manifests.get(1).digest(), OCI_MANIFEST, f.manifests.get(1).content()));
  }

  // 01_pull Pull blobs: "HEAD request to nonexistent blob should result in 404 response"
  @Test
  @Order(10)
  @DisplayName("Pull blobs: HEAD request to nonexistent blob should result in 404 response")
  void headNonexistentBlobIs404() throws Exception {
    Resp resp = request("HEAD", "/v2/<name>/blobs/<digest>").digest(f.dummyDigest).send();
    assertStatus(resp, 404);
  }

  // 01_pull Pull blobs: "HEAD request to existing blob should yield 200"
  @Test
  @Order(11)
  @DisplayName("Pull blobs: HEAD request to existing blob should yield 200")
  void headExistingBlobIs200() throws Exception {
    Resp resp =
        request("HEAD", "/v2/<name>/blobs/<digest>").digest(f.configs.get(0).digest()).send();
    assertStatus(resp, 200);
    assertDigestHeaderIfPresent(resp, f.configs.get(0).digest());
  }

  // 01_pull Pull blobs: "GET nonexistent blob should result in 404 response"
  @Test
  @Order(12)
  @DisplayName("Pull blobs: GET nonexistent blob should result in 404 response")
  void getNonexistentBlobIs404() throws Exception {
    Resp resp = request("GET", "/v2/<name>/blobs/<digest>").digest(f.dummyDigest).send();
    assertStatus(resp, 404);
  }

  // 01_pull Pull blobs: "GET request to existing blob URL should yield 200"
  @Test
  @Order(13)
  @DisplayName("Pull blobs: GET request to existing blob URL should yield 200")
  void getExistingBlobIs200() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/blobs/<digest>").digest(f.configs.get(0).digest()).send();
    assertStatus(resp, 200);
  }

  // 01_pull Pull manifests: "HEAD request to nonexistent manifest should return 404"
  @Test
  @Order(20)
  @DisplayName("Pull manifests: HEAD request to nonexistent manifest should return 404")
  void headNonexistentManifestIs404() throws Exception {
    Resp resp =
        request("HEAD", "/v2/<name>/manifests/<reference>").reference(NONEXISTENT_MANIFEST).send();
    assertStatus(resp, 404);
  }

  // 01_pull Pull manifests: "HEAD request to manifest[0] path (digest) should yield 200 response"
  @Test
  @Order(21)
  @DisplayName(
      "Pull manifests: HEAD request to manifest[0] path (digest) should yield 200 response")
  void headManifest0ByDigestIs200() throws Exception {
    Resp resp =
        request("HEAD", "/v2/<name>/manifests/<digest>")
            .digest(f.manifests.get(0).digest())
            .header("Accept", OCI_MANIFEST)
            .send();
    assertStatus(resp, 200);
    assertDigestHeaderIfPresent(resp, f.manifests.get(0).digest());
  }

  // 01_pull Pull manifests: "HEAD request to manifest[1] path (digest) should yield 200 response"
  @Test
  @Order(22)
  @DisplayName(
      "Pull manifests: HEAD request to manifest[1] path (digest) should yield 200 response")
  void headManifest1ByDigestIs200() throws Exception {
    Resp resp =
        request("HEAD", "/v2/<name>/manifests/<digest>")
            .digest(f.manifests.get(1).digest())
            .header("Accept", OCI_MANIFEST)
            .send();
    assertStatus(resp, 200);
    assertDigestHeaderIfPresent(resp, f.manifests.get(1).digest());
  }

  // 01_pull Pull manifests: "HEAD request to manifest path (tag) should yield 200 response"
  @Test
  @Order(23)
  @DisplayName("Pull manifests: HEAD request to manifest path (tag) should yield 200 response")
  void headManifestByTagIs200() throws Exception {
    assertThat(tag).isNotEmpty();
    Resp resp =
        request("HEAD", "/v2/<name>/manifests/<reference>")
            .reference(tag)
            .header("Accept", OCI_MANIFEST)
            .send();
    assertStatus(resp, 200);
    assertDigestHeaderIfPresent(resp, f.manifests.get(0).digest());
  }

  // 01_pull Pull manifests: "GET nonexistent manifest should return 404"
  @Test
  @Order(24)
  @DisplayName("Pull manifests: GET nonexistent manifest should return 404")
  void getNonexistentManifestIs404() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/manifests/<reference>").reference(NONEXISTENT_MANIFEST).send();
    assertStatus(resp, 404);
  }

  // 01_pull Pull manifests: "GET request to manifest[0] path (digest) should yield 200 response"
  @Test
  @Order(25)
  @DisplayName("Pull manifests: GET request to manifest[0] path (digest) should yield 200 response")
  void getManifest0ByDigestIs200() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/manifests/<digest>")
            .digest(f.manifests.get(0).digest())
            .header("Accept", OCI_MANIFEST)
            .send();
    assertStatus(resp, 200);
  }

  // 01_pull Pull manifests: "GET request to manifest[1] path (digest) should yield 200 response"
  @Test
  @Order(26)
  @DisplayName("Pull manifests: GET request to manifest[1] path (digest) should yield 200 response")
  void getManifest1ByDigestIs200() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/manifests/<digest>")
            .digest(f.manifests.get(1).digest())
            .header("Accept", OCI_MANIFEST)
            .send();
    assertStatus(resp, 200);
  }

  // 01_pull Pull manifests: "GET request to manifest path (tag) should yield 200 response"
  @Test
  @Order(27)
  @DisplayName("Pull manifests: GET request to manifest path (tag) should yield 200 response")
  void getManifestByTagIs200() throws Exception {
    assertThat(tag).isNotEmpty();
    Resp resp =
        request("GET", "/v2/<name>/manifests/<reference>")
            .reference(tag)
            .header("Accept", OCI_MANIFEST)
            .send();
    assertStatus(resp, 200);
  }

  // 01_pull Error codes: "400 response body should contain OCI-conforming JSON message"
  @Test
  @Order(30)
  @DisplayName("Error codes: 400 response body should contain OCI-conforming JSON message")
  void badRequestBodyIsOciError() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/manifests/<reference>")
            .reference("sha256:totallywrong")
            .header("Content-Type", OCI_MANIFEST)
            .body(INVALID_MANIFEST_CONTENT)
            .send();
    // The suite accepts 404 as well, and then checks no body; this registry answers a malformed
    // digest reference with 400, so the body is always checked.
    assertStatus(resp, 400);
    JsonNode errors = resp.json().path("errors");
    assertThat(errors.isArray() && errors.size() > 0).as("errors of %s", resp).isTrue();
    assertThat(ERROR_CODES).as("code of %s", resp).contains(errors.get(0).path("code").asText());
  }

  // 01_pull Teardown: "Delete manifest[0] created in setup" (before the blobs)
  @Test
  @Order(40)
  @DisplayName("Teardown: delete manifest[0] created in setup")
  void teardownDeletesManifest0First() throws Exception {
    assertDeleted(deleteManifest(f.manifests.get(0).digest()));
  }

  // 01_pull Teardown: "Delete manifest[1] created in setup" (before the blobs)
  @Test
  @Order(41)
  @DisplayName("Teardown: delete manifest[1] created in setup")
  void teardownDeletesManifest1First() throws Exception {
    assertDeleted(deleteManifest(f.manifests.get(1).digest()));
  }

  // 01_pull Teardown: "Delete config[0] blob created in setup"
  @Test
  @Order(42)
  @DisplayName("Teardown: delete config[0] blob created in setup")
  void teardownDeletesConfig0() throws Exception {
    assertDeleted(deleteBlob(f.configs.get(0).digest()));
  }

  // 01_pull Teardown: "Delete config[1] blob created in setup"
  @Test
  @Order(43)
  @DisplayName("Teardown: delete config[1] blob created in setup")
  void teardownDeletesConfig1() throws Exception {
    assertDeleted(deleteBlob(f.configs.get(1).digest()));
  }

  // 01_pull Teardown: "Delete layer blob created in setup"
  @Test
  @Order(44)
  @DisplayName("Teardown: delete layer blob created in setup")
  void teardownDeletesLayer() throws Exception {
    assertDeleted(deleteBlob(f.layerBlob.digest()));
  }
}
