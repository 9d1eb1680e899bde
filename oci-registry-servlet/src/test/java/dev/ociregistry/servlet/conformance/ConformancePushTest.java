package dev.ociregistry.servlet.conformance;

import static dev.ociregistry.servlet.conformance.ConformanceFixtures.EMPTY_LAYER_TEST_TAG;
import static dev.ociregistry.servlet.conformance.ConformanceFixtures.NONEXISTENT_MANIFEST;
import static dev.ociregistry.servlet.conformance.ConformanceFixtures.OCTET_STREAM;
import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.conformance.ConformanceClient.Resp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The push workflow of the OCI conformance suite ({@code conformance/02_push_test.go}). */
public class ConformancePushTest extends ConformanceTestBase {
  private Resp lastResponse;
  private Resp prevResponse;
  private String emptyLayerManifestRef = "";

  @BeforeEach
  void enabled() {}

  // 02_push Blob Upload Streamed: "PATCH request with blob in body should yield 202 response"
  @Test
  @Order(1)
  @DisplayName("Blob Upload Streamed: PATCH request with blob in body should yield 202 response")
  void streamedPatchWithWholeBlobIs202() throws Exception {
    Resp resp = request("POST", "/v2/<name>/blobs/uploads/").send();
    assertHeaderNotEmpty(resp, "Location");
    resp =
        request("PATCH", resp)
            .header("Content-Type", OCTET_STREAM)
            .body(f.testBlobA.content())
            .send();
    assertStatus(resp, 202);
    lastResponse = resp;
  }

  // 02_push Blob Upload Streamed: "PUT request to session URL with digest should yield 201
  // response"
  @Test
  @Order(2)
  @DisplayName(
      "Blob Upload Streamed: PUT request to session URL with digest should yield 201 response")
  void streamedPutWithDigestIs201() throws Exception {
    assertThat(lastResponse).isNotNull();
    Resp resp =
        request("PUT", lastResponse)
            .query("digest", f.testBlobA.digest())
            .header("Content-Type", OCTET_STREAM)
            .header("Content-Length", f.testBlobA.contentLength())
            .send();
    assertStatus(resp, 201);
    assertHeaderNotEmpty(resp, "Location");
  }

  // 02_push Blob Upload Monolithic: "GET nonexistent blob should result in 404 response"
  @Test
  @Order(10)
  @DisplayName("Blob Upload Monolithic: GET nonexistent blob should result in 404 response")
  void monolithicGetNonexistentBlobIs404() throws Exception {
    Resp resp = request("GET", "/v2/<name>/blobs/<digest>").digest(f.dummyDigest).send();
    assertStatus(resp, 404);
  }

  // 02_push Blob Upload Monolithic: "POST request with digest and blob should yield a 201 or 202"
  @Test
  @Order(11)
  @DisplayName(
      "Blob Upload Monolithic: POST request with digest and blob should yield a 201 or 202")
  void monolithicPostWithDigestIs201Or202() throws Exception {
    Resp resp =
        request("POST", "/v2/<name>/blobs/uploads/")
            .header("Content-Length", f.configs.get(1).contentLength())
            .header("Content-Type", OCTET_STREAM)
            .query("digest", f.configs.get(1).digest())
            .body(f.configs.get(1).content())
            .send();
    assertHeaderNotEmpty(resp, "Location");
    // The suite accepts 202 (a registry that opens a session instead); this one stores the blob.
    assertStatus(resp, 201);
    lastResponse = resp;
  }

  // 02_push Blob Upload Monolithic: "GET request to blob URL from prior request should yield 200 or
  // 404 based on response code"
  @Test
  @Order(12)
  @DisplayName(
      "Blob Upload Monolithic: GET request to blob URL from prior request should yield 200 or 404"
          + " based on response code")
  void monolithicGetAfterPostMatchesItsStatus() throws Exception {
    assertThat(lastResponse).isNotNull();
    Resp resp =
        request("GET", "/v2/<name>/blobs/<digest>").digest(f.configs.get(1).digest()).send();
    if (lastResponse.status() == 202) {
      assertStatus(resp, 404);
    } else {
      assertStatus(resp, 200);
    }
  }

  // 02_push Blob Upload Monolithic: "POST request should yield a session ID"
  @Test
  @Order(13)
  @DisplayName("Blob Upload Monolithic: POST request should yield a session ID")
  void monolithicPostOpensSession() throws Exception {
    Resp resp = request("POST", "/v2/<name>/blobs/uploads/").send();
    assertStatus(resp, 202);
    lastResponse = resp;
  }

  // 02_push Blob Upload Monolithic: "PUT upload of a blob should yield a 201 Response"
  @Test
  @Order(14)
  @DisplayName("Blob Upload Monolithic: PUT upload of a blob should yield a 201 Response")
  void monolithicPutOfBlobIs201() throws Exception {
    Resp resp =
        request("PUT", lastResponse)
            .header("Content-Length", f.configs.get(1).contentLength())
            .header("Content-Type", OCTET_STREAM)
            .query("digest", f.configs.get(1).digest())
            .body(f.configs.get(1).content())
            .send();
    assertHeaderNotEmpty(resp, "Location");
    assertStatus(resp, 201);
  }

  // 02_push Blob Upload Monolithic: "GET request to existing blob should yield 200 response"
  @Test
  @Order(15)
  @DisplayName("Blob Upload Monolithic: GET request to existing blob should yield 200 response")
  void monolithicGetExistingBlobIs200() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/blobs/<digest>").digest(f.configs.get(1).digest()).send();
    assertStatus(resp, 200);
  }

  // 02_push Blob Upload Monolithic: "PUT upload of a layer blob should yield a 201 Response"
  @Test
  @Order(16)
  @DisplayName("Blob Upload Monolithic: PUT upload of a layer blob should yield a 201 Response")
  void monolithicPutOfLayerIs201() throws Exception {
    Resp session = request("POST", "/v2/<name>/blobs/uploads/").send();
    Resp resp =
        request("PUT", session)
            .header("Content-Length", f.layerBlob.contentLength())
            .header("Content-Type", OCTET_STREAM)
            .query("digest", f.layerBlob.digest())
            .body(f.layerBlob.content())
            .send();
    assertHeaderNotEmpty(resp, "Location");
    assertStatus(resp, 201);
  }

  // 02_push Blob Upload Monolithic: "GET request to existing layer should yield 200 response"
  @Test
  @Order(17)
  @DisplayName("Blob Upload Monolithic: GET request to existing layer should yield 200 response")
  void monolithicGetExistingLayerIs200() throws Exception {
    Resp resp = request("GET", "/v2/<name>/blobs/<digest>").digest(f.layerBlob.digest()).send();
    assertStatus(resp, 200);
  }

  // 02_push Blob Upload Chunked: "Out-of-order blob upload should return 416"
  @Test
  @Order(20)
  @DisplayName("Blob Upload Chunked: Out-of-order blob upload should return 416")
  void chunkedOutOfOrderChunkIs416() throws Exception {
    Resp resp = request("POST", "/v2/<name>/blobs/uploads/").header("Content-Length", "0").send();
    assertHeaderNotEmpty(resp, "Location");
    // a registry's minimum chunk size above our first chunk makes the suite rebuild the blob
    String minSize = resp.header("OCI-Chunk-Min-Length");
    if (!minSize.isEmpty()) {
      int min = Integer.parseInt(minSize);
      if (min > f.testBlobBChunk1.length) {
        f.setupChunkedBlob(min * 2 - 2);
      }
    }
    resp =
        request("PATCH", resp)
            .header("Content-Type", OCTET_STREAM)
            .header("Content-Length", Integer.toString(f.testBlobBChunk2.length))
            .header("Content-Range", f.testBlobBChunk2Range)
            .body(f.testBlobBChunk2)
            .send();
    assertStatus(resp, 416);
  }

  // 02_push Blob Upload Chunked: "PATCH request with first chunk should return 202"
  @Test
  @Order(21)
  @DisplayName("Blob Upload Chunked: PATCH request with first chunk should return 202")
  void chunkedFirstChunkIs202() throws Exception {
    Resp resp = request("POST", "/v2/<name>/blobs/uploads/").header("Content-Length", "0").send();
    assertHeaderNotEmpty(resp, "Location");
    prevResponse = resp;
    resp =
        request("PATCH", resp)
            .header("Content-Type", OCTET_STREAM)
            .header("Content-Length", Integer.toString(f.testBlobBChunk1.length))
            .header("Content-Range", f.testBlobBChunk1Range)
            .body(f.testBlobBChunk1)
            .send();
    assertStatus(resp, 202);
    assertThat(resp.header("Range")).as("Range of %s", resp).isEqualTo(f.testBlobBChunk1Range);
    lastResponse = resp;
  }

  // 02_push Blob Upload Chunked: "Retry previous blob chunk should return 416"
  @Test
  @Order(22)
  @DisplayName("Blob Upload Chunked: Retry previous blob chunk should return 416")
  void chunkedRetriedChunkIs416() throws Exception {
    Resp resp =
        request("PATCH", prevResponse)
            .header("Content-Type", OCTET_STREAM)
            .header("Content-Length", Integer.toString(f.testBlobBChunk1.length))
            .header("Content-Range", f.testBlobBChunk1Range)
            .body(f.testBlobBChunk1)
            .send();
    assertStatus(resp, 416);
  }

  // 02_push Blob Upload Chunked: "Get on stale blob upload should return 204 with a range and
  // location"
  @Test
  @Order(23)
  @DisplayName(
      "Blob Upload Chunked: Get on stale blob upload should return 204 with a range and location")
  void chunkedStatusOfUploadIs204WithRange() throws Exception {
    Resp resp = request("GET", prevResponse).send();
    assertStatus(resp, 204);
    assertHeaderNotEmpty(resp, "Location");
    assertThat(resp.header("Range")).as("Range of %s", resp).isEqualTo(f.testBlobBChunk1Range);
    lastResponse = resp;
  }

  // 02_push Blob Upload Chunked: "PATCH request with second chunk should return 202"
  @Test
  @Order(24)
  @DisplayName("Blob Upload Chunked: PATCH request with second chunk should return 202")
  void chunkedSecondChunkIs202() throws Exception {
    Resp resp =
        request("PATCH", lastResponse)
            .header("Content-Length", Integer.toString(f.testBlobBChunk2.length))
            .header("Content-Range", f.testBlobBChunk2Range)
            .header("Content-Type", OCTET_STREAM)
            .body(f.testBlobBChunk2)
            .send();
    assertStatus(resp, 202);
    assertHeaderNotEmpty(resp, "Location");
    lastResponse = resp;
  }

  // 02_push Blob Upload Chunked: "PUT request with digest should return 201"
  @Test
  @Order(25)
  @DisplayName("Blob Upload Chunked: PUT request with digest should return 201")
  void chunkedClosingPutIs201() throws Exception {
    Resp resp =
        request("PUT", lastResponse)
            .header("Content-Length", "0")
            .header("Content-Type", OCTET_STREAM)
            .query("digest", f.testBlobB.digest())
            .send();
    assertStatus(resp, 201);
    assertHeaderNotEmpty(resp, "Location");
  }

  // 02_push Cross-Repository Blob Mount: "Cross-mounting of a blob without the from argument should
  // yield session id"
  @Test
  @Order(30)
  @DisplayName(
      "Cross-Repository Blob Mount: Cross-mounting of a blob without the from argument should"
          + " yield session id")
  void mountOfUnknownBlobWithoutFromOpensSession() throws Exception {
    Resp resp =
        request("POST", "/v2/<name>/blobs/uploads/")
            .name(f.crossmountNamespace)
            .query("mount", f.dummyDigest)
            .send();
    assertStatus(resp, 202);
    assertThat(resp.absoluteLocation()).as("Location of %s", resp).isNotEmpty();
  }

  // 02_push Cross-Repository Blob Mount: "POST request to mount another repository's blob should
  // return 201 or 202"
  @Test
  @Order(31)
  @DisplayName(
      "Cross-Repository Blob Mount: POST request to mount another repository's blob should return"
          + " 201 or 202")
  void mountFromOtherRepositoryIs201Or202() throws Exception {
    Resp resp =
        request("POST", "/v2/<name>/blobs/uploads/")
            .name(f.crossmountNamespace)
            .query("mount", f.testBlobA.digest())
            .query("from", client.defaultName())
            .send();
    // The suite accepts 202 (no mount, a session instead); this registry mounts.
    assertStatus(resp, 201);
    lastResponse = resp;
  }

  // 02_push Cross-Repository Blob Mount: "GET request to test digest within cross-mount namespace
  // should return 200"
  @Test
  @Order(32)
  @DisplayName(
      "Cross-Repository Blob Mount: GET request to test digest within cross-mount namespace should"
          + " return 200")
  void mountedBlobIsServedInTarget() throws Exception {
    assertThat(lastResponse.status()).as("the mount with from was answered 201").isEqualTo(201);
    assertThat(lastResponse.relativeLocation())
        .isEqualTo("/v2/" + f.crossmountNamespace + "/blobs/" + f.testBlobA.digest());
    Resp resp = request("GET", lastResponse).send();
    assertStatus(resp, 200);
  }

  // 02_push Cross-Repository Blob Mount: "Cross-mounting without from, and automatic content
  // discovery enabled should return a 201"
  @Test
  @Order(34)
  @DisplayName(
      "Cross-Repository Blob Mount: Cross-mounting without from, and automatic content discovery"
          + " enabled should return a 201")
  void automaticMountWithoutFromIs201() throws Exception {
    assertThat(lastResponse.status()).as("the mount with from was answered 201").isEqualTo(201);
    Resp resp =
        request("POST", "/v2/<name>/blobs/uploads/")
            .name(f.crossmountNamespace)
            .query("mount", f.testBlobA.digest())
            .send();
    assertStatus(resp, 201);
  }

  // 02_push Manifest Upload: "GET nonexistent manifest should return 404"
  @Test
  @Order(40)
  @DisplayName("Manifest Upload: GET nonexistent manifest should return 404")
  void manifestGetNonexistentIs404() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/manifests/<reference>").reference(NONEXISTENT_MANIFEST).send();
    assertStatus(resp, 404);
  }

  // 02_push Manifest Upload: "PUT should accept a manifest upload"
  @Test
  @Order(41)
  @DisplayName("Manifest Upload: PUT should accept a manifest upload")
  void manifestPutUnderFourTagsIs201() throws Exception {
    for (int i = 0; i < 4; i++) {
      Resp resp = pushManifest("test" + i, OCI_MANIFEST, f.manifests.get(1).content());
      assertHeaderNotEmpty(resp, "Location");
      assertStatus(resp, 201);
    }
  }

  // 02_push Manifest Upload: "Registry should accept a manifest upload with no layers" (a warning
  // only, when refused)
  @Test
  @Order(42)
  @DisplayName("Manifest Upload: Registry should accept a manifest upload with no layers")
  void manifestWithNoLayersIsAccepted() throws Exception {
    Resp resp = pushManifest(EMPTY_LAYER_TEST_TAG, OCI_MANIFEST, f.emptyLayerManifest.content());
    if (resp.status() == 201) {
      emptyLayerManifestRef = resp.header("Location");
      assertHeaderNotEmpty(resp, "Location");
    } else {
      warn(
          "02_push \"Registry should accept a manifest upload with no layers\"",
          "image manifest with no layers is not supported (" + resp + ")");
    }
  }

  // 02_push Manifest Upload: "GET request to manifest URL (digest) should yield 200 response"
  @Test
  @Order(43)
  @DisplayName("Manifest Upload: GET request to manifest URL (digest) should yield 200 response")
  void manifestGetByDigestIs200() throws Exception {
    Resp resp =
        request("GET", "/v2/<name>/manifests/<digest>")
            .digest(f.manifests.get(1).digest())
            .header("Accept", OCI_MANIFEST)
            .send();
    assertStatus(resp, 200);
  }

  // 02_push Teardown: "Delete manifest created in tests" (before the blobs)
  @Test
  @Order(50)
  @DisplayName("Teardown: Delete manifest created in tests")
  void teardownDeletesManifestsFirst() throws Exception {
    deleteManifests();
  }

  // 02_push Teardown: "Delete config blob created in tests"
  @Test
  @Order(51)
  @DisplayName("Teardown: Delete config blob created in tests")
  void teardownDeletesConfig() throws Exception {
    Resp resp = deleteBlob(f.configs.get(1).digest());
    assertDeleted(resp);
  }

  // 02_push Teardown: "Delete layer blob created in setup"
  @Test
  @Order(52)
  @DisplayName("Teardown: Delete layer blob created in setup")
  void teardownDeletesLayer() throws Exception {
    Resp resp = deleteBlob(f.layerBlob.digest());
    assertDeleted(resp);
  }

  private void deleteManifests() throws Exception {
    Resp resp = deleteManifest(f.manifests.get(1).digest());
    assertDeleted(resp);
    if (!emptyLayerManifestRef.isEmpty()) {
      resp =
          request("DELETE", "/v2/<name>/manifests/<reference>")
              .reference(f.emptyLayerManifest.digest())
              .send();
      assertDeleted(resp);
    }
  }
}
