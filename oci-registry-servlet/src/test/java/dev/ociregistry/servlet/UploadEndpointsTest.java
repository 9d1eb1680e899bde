package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Responses.describe;
import static dev.ociregistry.servlet.testing.Responses.errorCode;
import static dev.ociregistry.servlet.testing.Responses.headerNames;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blob uploads: POST (end-4a, end-4b), PATCH (end-5), PUT (end-6), status (end-13), cancel, and
 * cross-repository mounts (end-11).
 */
class UploadEndpointsTest extends RegistryTestBase {
  private static final byte[] CONTENT = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String DIGEST = Digests.sha256(CONTENT);

  /** The digest of zero bytes. */
  private static final String EMPTY_DIGEST = Digests.sha256(new byte[0]);

  private static final String UPLOAD_PATH =
      "/v2/os/rootfs/blobs/uploads/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  @Test
  void postOpensSessionWith202LocationRangeAndUploadUuid() throws Exception {
    TestHttp.Response response = http.post("/v2/os/rootfs/blobs/uploads/", new byte[0]);

    assertThat(response.status()).isEqualTo(202);
    String location = response.header("Location").orElseThrow();
    assertThat(location).matches(UPLOAD_PATH);
    assertThat(response.header("Range")).hasValue("0-0");
    assertThat(response.header("Docker-Upload-UUID"))
        .hasValue(location.substring(location.lastIndexOf('/') + 1));
    assertThat(response.header("Content-Length")).hasValue("0");
    assertThat(response.body()).isEmpty();
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "location",
            "range",
            "docker-upload-uuid",
            "content-length",
            "docker-distribution-api-version");
  }

  @Test
  void postWithoutTrailingSlashAlsoOpensSession() throws Exception {
    TestHttp.Response response = http.post("/v2/os/rootfs/blobs/uploads", new byte[0]);

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.header("Location").orElseThrow()).matches(UPLOAD_PATH);
  }

  @Test
  void everyPostOpensADistinctSession() throws Exception {
    String first = pusher.startUpload("os/rootfs");
    String second = pusher.startUpload("os/rootfs");

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void monolithicPostWithDigestReturns201WithBlobLocation() throws Exception {
    TestHttp.Response response =
        http.post("/v2/os/rootfs/blobs/uploads/?digest=" + DIGEST, CONTENT);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("Location")).hasValue("/v2/os/rootfs/blobs/" + DIGEST);
    assertThat(response.header("Docker-Content-Digest")).hasValue(DIGEST);
    assertThat(response.header("Content-Length")).hasValue("0");
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "location",
            "docker-content-digest",
            "content-length",
            "docker-distribution-api-version");
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void monolithicPostOfAnAlreadyStoredBlobReturns201Again() throws Exception {
    pusher.blob("os/rootfs", Artifacts.blob(Artifacts.OCI_LAYER, CONTENT));

    TestHttp.Response again = http.post("/v2/os/rootfs/blobs/uploads/?digest=" + DIGEST, CONTENT);

    assertThat(again.status()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void monolithicPostWithWrongDigestReturns400DigestInvalidAndStoresNothing() throws Exception {
    String wrong = Digests.sha256("something else".getBytes(StandardCharsets.UTF_8));

    TestHttp.Response response = http.post("/v2/os/rootfs/blobs/uploads/?digest=" + wrong, CONTENT);

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(http.head("/v2/os/rootfs/blobs/" + wrong).status()).isEqualTo(404);
    assertThat(http.head("/v2/os/rootfs/blobs/" + DIGEST).status()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sha256:abc", "nonsense", "sha256:", ""})
  void monolithicPostWithMalformedDigestReturns400DigestInvalid(String digest) throws Exception {
    TestHttp.Response response =
        http.post("/v2/os/rootfs/blobs/uploads/?digest=" + digest, CONTENT);

    assertThat(response.status()).as(describe(response)).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void monolithicPostStreamedWithoutContentLengthStoresTheBlob() throws Exception {
    byte[] large = Artifacts.content(600_000, 3);
    String digest = Digests.sha256(large);

    TestHttp.Response response =
        http.send(
            http.request("/v2/os/rootfs/blobs/uploads/?digest=" + digest)
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(large))));

    assertThat(response.status()).as(describe(response)).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + digest).body()).isEqualTo(large);
  }

  /**
   * The body of an upload is the blob whatever {@code Content-Type} says: {@code curl
   * --data-binary} sends {@code application/x-www-form-urlencoded} unless told otherwise, and the
   * bytes must not be read as a form.
   */
  @ParameterizedTest
  @ValueSource(ints = {7, 300_000})
  void monolithicPostWithFormContentTypeStoresTheBytesAsSent(int size) throws Exception {
    byte[] content = Artifacts.content(size, 21);
    String digest = Digests.sha256(content);

    TestHttp.Response response =
        http.send(
            http.request("/v2/os/rootfs/blobs/uploads/?digest=" + digest)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));

    assertThat(response.status()).as(describe(response)).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + digest).body()).isEqualTo(content);
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 300_000})
  void closingPutWithFormContentTypeStoresTheBytesAsSent(int size) throws Exception {
    byte[] content = Artifacts.content(size, 22);
    String digest = Digests.sha256(content);
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response response =
        http.put(location + "?digest=" + digest, "application/x-www-form-urlencoded", content);

    assertThat(response.status()).as(describe(response)).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + digest).body()).isEqualTo(content);
  }

  @Test
  void patchChunksInOrderReturn202WithRangeToTheLastByte() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response first = http.patch(location, "0-4", slice(0, 5));
    TestHttp.Response second = http.patch(location, "5-9", slice(5, 10));

    assertThat(first.status()).isEqualTo(202);
    assertThat(first.header("Range")).hasValue("0-4");
    assertThat(first.header("Location")).hasValue(location);
    assertThat(first.header("Docker-Upload-UUID")).hasValue(uuidOf(location));
    assertThat(headerNames(first))
        .containsExactlyInAnyOrder(
            "location",
            "range",
            "docker-upload-uuid",
            "content-length",
            "docker-distribution-api-version");
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.header("Range")).hasValue("0-9");
  }

  @Test
  void patchAcceptsContentRangeWithBytesPrefix() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response response = http.patch(location, "bytes 0-4", slice(0, 5));

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.header("Range")).hasValue("0-4");
  }

  @Test
  void patchOutOfOrderReturns416AndKeepsOffset() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-4", slice(0, 5));

    TestHttp.Response gap = http.patch(location, "7-9", slice(7, 10));
    TestHttp.Response overlap = http.patch(location, "3-7", slice(3, 8));
    TestHttp.Response restart = http.patch(location, "0-4", slice(0, 5));

    assertThat(gap.status()).isEqualTo(416);
    assertThat(errorCode(gap)).isEqualTo("BLOB_UPLOAD_INVALID");
    assertThat(overlap.status()).isEqualTo(416);
    assertThat(restart.status()).isEqualTo(416);
    TestHttp.Response status = http.get(location);
    assertThat(status.status()).isEqualTo(204);
    assertThat(status.header("Range")).hasValue("0-4");

    TestHttp.Response resumed = http.patch(location, "5-15", slice(5, 16));
    assertThat(resumed.status()).isEqualTo(202);
    assertThat(http.put(location + "?digest=" + DIGEST, null, new byte[0]).status()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void firstChunkNotStartingAtZeroReturns416() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response response = http.patch(location, "1-5", slice(1, 6));

    assertThat(response.status()).isEqualTo(416);
    assertThat(http.get(location).header("Range")).hasValue("0-0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "5", "0-", "-4", "4-0", "0-4/16", "bytes=0-4x", "0 - 4"})
  void patchWithMalformedContentRangeReturns416AndChangesNothing(String contentRange)
      throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-4", slice(0, 5));

    TestHttp.Response response = http.patch(location, contentRange, slice(5, 10));

    assertThat(response.status()).as(describe(response)).isEqualTo(416);
    assertThat(errorCode(response)).isEqualTo("BLOB_UPLOAD_INVALID");
    assertThat(http.get(location).header("Range")).hasValue("0-4");
  }

  @Test
  void patchWhoseContentLengthDisagreesWithContentRangeReturns400SizeInvalid() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response shorter = http.patch(location, "0-9", slice(0, 5));
    TestHttp.Response longer = http.patch(location, "0-2", slice(0, 5));

    assertThat(shorter.status()).isEqualTo(400);
    assertThat(errorCode(shorter)).isEqualTo("SIZE_INVALID");
    assertThat(longer.status()).isEqualTo(400);
    assertThat(errorCode(longer)).isEqualTo("SIZE_INVALID");
    TestHttp.Response status = http.get(location);
    assertThat(status.status()).isEqualTo(204);
    assertThat(status.header("Range")).hasValue("0-0");
  }

  @Test
  void patchWithoutContentRangeAppendsTheWholeBody() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response first = http.patch(location, null, slice(0, 6));
    TestHttp.Response second = http.patch(location, null, slice(6, 16));

    assertThat(first.status()).isEqualTo(202);
    assertThat(first.header("Range")).hasValue("0-5");
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.header("Range")).hasValue("0-15");
  }

  @Test
  void streamedPatchWithChunkedEncodingStoresTheWholeBody() throws Exception {
    byte[] large = Artifacts.content(1_500_000, 11);
    String digest = Digests.sha256(large);
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response patched = http.patchStreamed(location, () -> new ByteArrayInputStream(large));
    TestHttp.Response closed = http.put(location + "?digest=" + digest, null, new byte[0]);

    assertThat(patched.status()).as(describe(patched)).isEqualTo(202);
    assertThat(patched.header("Range")).hasValue("0-1499999");
    assertThat(closed.status()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + digest).body()).isEqualTo(large);
  }

  @Test
  void streamedPatchAfterARangedChunkAppendsAtTheOffset() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-3", slice(0, 4));

    TestHttp.Response streamed =
        http.patchStreamed(location, () -> new ByteArrayInputStream(slice(4, 16)));

    assertThat(streamed.status()).isEqualTo(202);
    assertThat(streamed.header("Range")).hasValue("0-15");
    assertThat(http.put(location + "?digest=" + DIGEST, null, new byte[0]).status()).isEqualTo(201);
  }

  @Test
  void putWithDigestAndNoBodyCompletesTheUpload() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-15", CONTENT);

    TestHttp.Response response = http.put(location + "?digest=" + DIGEST, null, new byte[0]);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("Location")).hasValue("/v2/os/rootfs/blobs/" + DIGEST);
    assertThat(response.header("Docker-Content-Digest")).hasValue(DIGEST);
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "location",
            "docker-content-digest",
            "content-length",
            "docker-distribution-api-version");
    TestHttp.Response blob = http.get("/v2/os/rootfs/blobs/" + DIGEST);
    assertThat(blob.status()).isEqualTo(200);
    assertThat(blob.body()).isEqualTo(CONTENT);
  }

  @Test
  void putWithTheWholeBlobCompletesAMonolithicUpload() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response response = http.put(location + "?digest=" + DIGEST, null, CONTENT);

    assertThat(response.status()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void putWithFinalChunkCompletesTheUpload() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-9", slice(0, 10));

    TestHttp.Response response = http.put(location + "?digest=" + DIGEST, null, slice(10, 16));

    assertThat(response.status()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void putWithFinalChunkAndContentRangeCompletesTheUpload() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-9", slice(0, 10));

    TestHttp.Response response =
        http.send(
            http.request(location + "?digest=" + DIGEST)
                .header("Content-Range", "10-15")
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(slice(10, 16))));

    assertThat(response.status()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void putWithFinalChunkOutOfOrderReturns416AndKeepsTheUpload() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-9", slice(0, 10));

    TestHttp.Response response =
        http.send(
            http.request(location + "?digest=" + DIGEST)
                .header("Content-Range", "12-17")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(slice(10, 16))));

    assertThat(response.status()).isEqualTo(416);
    assertThat(http.get(location).header("Range")).hasValue("0-9");
  }

  @Test
  void putWithoutDigestReturns400DigestInvalid() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-15", CONTENT);

    TestHttp.Response response = http.put(location, null, new byte[0]);

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(http.head("/v2/os/rootfs/blobs/" + DIGEST).status()).isEqualTo(404);
  }

  @Test
  void putWithWrongDigestReturns400DigestInvalidAndStoresNothing() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-15", CONTENT);
    String wrong = Digests.sha256("other".getBytes(StandardCharsets.UTF_8));

    TestHttp.Response response = http.put(location + "?digest=" + wrong, null, new byte[0]);

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(http.head("/v2/os/rootfs/blobs/" + wrong).status()).isEqualTo(404);
    assertThat(http.head("/v2/os/rootfs/blobs/" + DIGEST).status()).isEqualTo(404);
  }

  @Test
  void putWithMalformedDigestReturns400DigestInvalid() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response response = http.put(location + "?digest=sha256:xyz", null, CONTENT);

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void completedUploadIsNoLongerKnown() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.put(location + "?digest=" + DIGEST, null, CONTENT);

    TestHttp.Response status = http.get(location);
    TestHttp.Response patch = http.patch(location, "16-17", new byte[2]);

    assertThat(status.status()).isEqualTo(404);
    assertThat(errorCode(status)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    assertThat(patch.status()).isEqualTo(404);
    assertThat(errorCode(patch)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void getStatusReturns204WithLocationRangeAndUploadUuid() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-6", slice(0, 7));

    TestHttp.Response response = http.get(location);

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
    assertThat(response.header("Location")).hasValue(location);
    assertThat(response.header("Range")).hasValue("0-6");
    assertThat(response.header("Docker-Upload-UUID")).hasValue(uuidOf(location));
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "location", "range", "docker-upload-uuid", "docker-distribution-api-version");
  }

  @Test
  void statusOfAFreshUploadReportsRangeZeroToZero() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response response = http.get(location);

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.header("Range")).hasValue("0-0");
  }

  @Test
  void deleteCancelsTheUploadWhichIsThenUnknown() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-4", slice(0, 5));

    TestHttp.Response cancelled = http.delete(location);
    TestHttp.Response status = http.get(location);
    TestHttp.Response patch = http.patch(location, "5-9", slice(5, 10));
    TestHttp.Response put = http.put(location + "?digest=" + DIGEST, null, slice(5, 16));
    TestHttp.Response again = http.delete(location);

    assertThat(cancelled.status()).isEqualTo(204);
    assertThat(cancelled.body()).isEmpty();
    for (TestHttp.Response response : java.util.List.of(status, patch, put, again)) {
      assertThat(response.status()).as(describe(response)).isEqualTo(404);
      assertThat(errorCode(response)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "00000000-0000-0000-0000-000000000000",
        "not-an-upload",
        "A0000000-0000-0000-0000-000000000000"
      })
  void unknownUploadIdReturns404BlobUploadUnknown(String id) throws Exception {
    String location = "/v2/os/rootfs/blobs/uploads/" + id;

    TestHttp.Response status = http.get(location);
    TestHttp.Response patch = http.patch(location, "0-4", slice(0, 5));
    TestHttp.Response put = http.put(location + "?digest=" + DIGEST, null, CONTENT);
    TestHttp.Response delete = http.delete(location);

    for (TestHttp.Response response : java.util.List.of(status, patch, put, delete)) {
      assertThat(response.status()).as(describe(response)).isEqualTo(404);
      assertThat(errorCode(response)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }
  }

  @Test
  void randomUploadIdReturns404BlobUploadUnknown() throws Exception {
    TestHttp.Response response = http.get("/v2/os/rootfs/blobs/uploads/" + UUID.randomUUID());

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void uploadOfAnotherRepositoryIsUnknownThere() throws Exception {
    String location = pusher.startUpload("os/rootfs");
    http.patch(location, "0-4", slice(0, 5));
    String elsewhere = "/v2/os/other/blobs/uploads/" + uuidOf(location);

    TestHttp.Response status = http.get(elsewhere);
    TestHttp.Response patch = http.patch(elsewhere, "5-9", slice(5, 10));
    TestHttp.Response put = http.put(elsewhere + "?digest=" + DIGEST, null, slice(5, 16));
    TestHttp.Response delete = http.delete(elsewhere);

    for (TestHttp.Response response : java.util.List.of(status, patch, put, delete)) {
      assertThat(response.status()).as(describe(response)).isEqualTo(404);
      assertThat(errorCode(response)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }
    TestHttp.Response own = http.get(location);
    assertThat(own.status()).isEqualTo(204);
    assertThat(own.header("Range")).hasValue("0-4");
    assertThat(http.head("/v2/os/other/blobs/" + DIGEST).status()).isEqualTo(404);
  }

  @Test
  void emptyBlobCanBePushedMonolithically() throws Exception {
    TestHttp.Response response =
        http.post("/v2/os/rootfs/blobs/uploads/?digest=" + EMPTY_DIGEST, new byte[0]);

    assertThat(response.status()).as(describe(response)).isEqualTo(201);
    assertThat(response.header("Docker-Content-Digest")).hasValue(EMPTY_DIGEST);
    TestHttp.Response head = http.head("/v2/os/rootfs/blobs/" + EMPTY_DIGEST);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).hasValue("0");
  }

  @Test
  void emptyBlobCanBePushedWithASessionAndAnEmptyPut() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response response = http.put(location + "?digest=" + EMPTY_DIGEST, null, new byte[0]);

    assertThat(response.status()).as(describe(response)).isEqualTo(201);
    assertThat(http.head("/v2/os/rootfs/blobs/" + EMPTY_DIGEST).status()).isEqualTo(200);
  }

  @Test
  void emptyBlobCanBePushedChunkedWithAnEmptyPatch() throws Exception {
    String location = pusher.startUpload("os/rootfs");

    TestHttp.Response patched = http.patch(location, null, new byte[0]);
    TestHttp.Response closed = http.put(location + "?digest=" + EMPTY_DIGEST, null, new byte[0]);

    assertThat(patched.status()).as(describe(patched)).isEqualTo(202);
    assertThat(patched.header("Range")).hasValue("0-0");
    assertThat(closed.status()).as(describe(closed)).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + EMPTY_DIGEST).status()).isEqualTo(200);
  }

  @Test
  void mountFromRepositoryHoldingTheBlobReturns201() throws Exception {
    pusher.blob("os/base", Artifacts.blob(Artifacts.OCI_LAYER, CONTENT));

    TestHttp.Response response =
        http.post("/v2/os/rootfs/blobs/uploads/?mount=" + DIGEST + "&from=os/base", new byte[0]);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("Location")).hasValue("/v2/os/rootfs/blobs/" + DIGEST);
    assertThat(response.header("Docker-Content-Digest")).hasValue(DIGEST);
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "location",
            "docker-content-digest",
            "content-length",
            "docker-distribution-api-version");
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void mountFromRepositoryWithoutTheBlobOpensAnUploadWith202() throws Exception {
    pusher.blob("os/elsewhere", Artifacts.blob(Artifacts.OCI_LAYER, CONTENT));
    pusher.blob("os/base", Artifacts.layer("something else"));

    TestHttp.Response response =
        http.post("/v2/os/rootfs/blobs/uploads/?mount=" + DIGEST + "&from=os/base", new byte[0]);

    assertThat(response.status()).isEqualTo(202);
    String location = response.header("Location").orElseThrow();
    assertThat(location).matches(UPLOAD_PATH);
    assertThat(response.header("Range")).hasValue("0-0");
    assertThat(response.header("Docker-Upload-UUID")).hasValue(uuidOf(location));
    assertThat(http.head("/v2/os/rootfs/blobs/" + DIGEST).status()).isEqualTo(404);
    assertThat(http.put(location + "?digest=" + DIGEST, null, CONTENT).status()).isEqualTo(201);
  }

  @Test
  void mountFromUnknownRepositoryOpensAnUploadWith202() throws Exception {
    pusher.blob("os/elsewhere", Artifacts.blob(Artifacts.OCI_LAYER, CONTENT));

    TestHttp.Response response =
        http.post("/v2/os/rootfs/blobs/uploads/?mount=" + DIGEST + "&from=nowhere", new byte[0]);

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.header("Location").orElseThrow()).matches(UPLOAD_PATH);
    assertThat(http.head("/v2/os/rootfs/blobs/" + DIGEST).status()).isEqualTo(404);
  }

  @Test
  void mountWithoutFromMountsABlobStoredAnywhere() throws Exception {
    pusher.blob("os/elsewhere", Artifacts.blob(Artifacts.OCI_LAYER, CONTENT));

    TestHttp.Response response =
        http.post("/v2/os/rootfs/blobs/uploads/?mount=" + DIGEST, new byte[0]);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("Location")).hasValue("/v2/os/rootfs/blobs/" + DIGEST);
    assertThat(response.header("Docker-Content-Digest")).hasValue(DIGEST);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void mountWithoutFromOfABlobStoredNowhereOpensAnUploadWith202() throws Exception {
    TestHttp.Response response =
        http.post("/v2/os/rootfs/blobs/uploads/?mount=" + DIGEST, new byte[0]);

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.header("Location").orElseThrow()).matches(UPLOAD_PATH);
    assertThat(response.header("Range")).hasValue("0-0");
    assertThat(response.header("Docker-Upload-UUID")).isPresent();
  }

  @Test
  void uploadToAnInvalidNameReturns400NameInvalid() throws Exception {
    TestHttp.Response response = http.post("/v2/OS/rootfs/blobs/uploads/", new byte[0]);

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("NAME_INVALID");
  }

  private static byte[] slice(int from, int to) {
    return Arrays.copyOfRange(CONTENT, from, to);
  }

  private static String uuidOf(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }
}
