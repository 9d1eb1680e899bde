package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Pushes.describe;
import static dev.ociregistry.servlet.testing.Pushes.errorCode;
import static dev.ociregistry.servlet.testing.Pushes.headerNames;
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
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blob uploads: POST (end-4a, end-4b), PATCH (end-5), PUT (end-6), status (end-13), cancel, and
 * cross-repository mounts (end-11).
 */
class UploadEndpointsTest {
  private static final byte[] CONTENT = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Digest.sha256(CONTENT);
  private static final String UPLOAD_PATH =
      "/v2/os/rootfs/blobs/uploads/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  @TempDir Path root;

  private RegistryServer server;
  private Http http;
  private Pushes pushes;

  @BeforeEach
  void start() throws Exception {
    server = RegistryServer.start(root);
    http = new Http(server.base());
    pushes = new Pushes(http);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void postOpensSessionWith202LocationRangeAndUploadUuid() throws Exception {
    HttpResponse<byte[]> response = http.post("/v2/os/rootfs/blobs/uploads/", new byte[0]);

    assertThat(response.statusCode()).isEqualTo(202);
    String location = response.headers().firstValue("Location").orElseThrow();
    assertThat(location).matches(UPLOAD_PATH);
    assertThat(response.headers().firstValue("Range")).hasValue("0-0");
    assertThat(response.headers().firstValue("Docker-Upload-UUID"))
        .hasValue(location.substring(location.lastIndexOf('/') + 1));
    assertThat(response.headers().firstValue("Content-Length")).hasValue("0");
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
    HttpResponse<byte[]> response = http.post("/v2/os/rootfs/blobs/uploads", new byte[0]);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Location").orElseThrow()).matches(UPLOAD_PATH);
  }

  @Test
  void everyPostOpensADistinctSession() throws Exception {
    String first = pushes.startUpload("os/rootfs");
    String second = pushes.startUpload("os/rootfs");

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void monolithicPostWithDigestReturns201WithBlobLocation() throws Exception {
    HttpResponse<byte[]> response =
        http.post("/v2/os/rootfs/blobs/uploads/?digest=" + DIGEST, CONTENT);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).hasValue("/v2/os/rootfs/blobs/" + DIGEST);
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(DIGEST.toString());
    assertThat(response.headers().firstValue("Content-Length")).hasValue("0");
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
    pushes.blob("os/rootfs", CONTENT);

    HttpResponse<byte[]> again =
        http.post("/v2/os/rootfs/blobs/uploads/?digest=" + DIGEST, CONTENT);

    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void monolithicPostWithWrongDigestReturns400DigestInvalidAndStoresNothing() throws Exception {
    Digest wrong = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> response =
        http.post("/v2/os/rootfs/blobs/uploads/?digest=" + wrong, CONTENT);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(http.head("/v2/os/rootfs/blobs/" + wrong).statusCode()).isEqualTo(404);
    assertThat(http.head("/v2/os/rootfs/blobs/" + DIGEST).statusCode()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sha256:abc", "nonsense", "sha256:", ""})
  void monolithicPostWithMalformedDigestReturns400DigestInvalid(String digest) throws Exception {
    HttpResponse<byte[]> response =
        http.post("/v2/os/rootfs/blobs/uploads/?digest=" + digest, CONTENT);

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void monolithicPostStreamedWithoutContentLengthStoresTheBlob() throws Exception {
    byte[] large = Pushes.content(600_000, 3);
    Digest digest = Digest.sha256(large);

    HttpResponse<byte[]> response =
        http.send(
            http.request("/v2/os/rootfs/blobs/uploads/?digest=" + digest)
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(large))));

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
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
    byte[] content = Pushes.content(size, 21);
    Digest digest = Digest.sha256(content);

    HttpResponse<byte[]> response =
        http.send(
            http.request("/v2/os/rootfs/blobs/uploads/?digest=" + digest)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + digest).body()).isEqualTo(content);
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 300_000})
  void closingPutWithFormContentTypeStoresTheBytesAsSent(int size) throws Exception {
    byte[] content = Pushes.content(size, 22);
    Digest digest = Digest.sha256(content);
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> response =
        http.put(location + "?digest=" + digest, "application/x-www-form-urlencoded", content);

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + digest).body()).isEqualTo(content);
  }

  @Test
  void patchChunksInOrderReturn202WithRangeToTheLastByte() throws Exception {
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> first = http.patch(location, "0-4", slice(0, 5));
    HttpResponse<byte[]> second = http.patch(location, "5-9", slice(5, 10));

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.headers().firstValue("Range")).hasValue("0-4");
    assertThat(first.headers().firstValue("Location")).hasValue(location);
    assertThat(first.headers().firstValue("Docker-Upload-UUID")).hasValue(uuidOf(location));
    assertThat(headerNames(first))
        .containsExactlyInAnyOrder(
            "location",
            "range",
            "docker-upload-uuid",
            "content-length",
            "docker-distribution-api-version");
    assertThat(second.statusCode()).isEqualTo(202);
    assertThat(second.headers().firstValue("Range")).hasValue("0-9");
  }

  @Test
  void patchAcceptsContentRangeWithBytesPrefix() throws Exception {
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> response = http.patch(location, "bytes 0-4", slice(0, 5));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Range")).hasValue("0-4");
  }

  @Test
  void patchOutOfOrderReturns416AndKeepsOffset() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-4", slice(0, 5));

    HttpResponse<byte[]> gap = http.patch(location, "7-9", slice(7, 10));
    HttpResponse<byte[]> overlap = http.patch(location, "3-7", slice(3, 8));
    HttpResponse<byte[]> restart = http.patch(location, "0-4", slice(0, 5));

    assertThat(gap.statusCode()).isEqualTo(416);
    assertThat(errorCode(gap)).isEqualTo("BLOB_UPLOAD_INVALID");
    assertThat(overlap.statusCode()).isEqualTo(416);
    assertThat(restart.statusCode()).isEqualTo(416);
    HttpResponse<byte[]> status = http.get(location);
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).hasValue("0-4");

    HttpResponse<byte[]> resumed = http.patch(location, "5-15", slice(5, 16));
    assertThat(resumed.statusCode()).isEqualTo(202);
    assertThat(http.put(location + "?digest=" + DIGEST, null, new byte[0]).statusCode())
        .isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void firstChunkNotStartingAtZeroReturns416() throws Exception {
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> response = http.patch(location, "1-5", slice(1, 6));

    assertThat(response.statusCode()).isEqualTo(416);
    assertThat(http.get(location).headers().firstValue("Range")).hasValue("0-0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "5", "0-", "-4", "4-0", "0-4/16", "bytes=0-4x", "0 - 4"})
  void patchWithMalformedContentRangeReturns416AndChangesNothing(String contentRange)
      throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-4", slice(0, 5));

    HttpResponse<byte[]> response = http.patch(location, contentRange, slice(5, 10));

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(416);
    assertThat(errorCode(response)).isEqualTo("BLOB_UPLOAD_INVALID");
    assertThat(http.get(location).headers().firstValue("Range")).hasValue("0-4");
  }

  @Test
  void patchWhoseContentLengthDisagreesWithContentRangeReturns400SizeInvalid() throws Exception {
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> shorter = http.patch(location, "0-9", slice(0, 5));
    HttpResponse<byte[]> longer = http.patch(location, "0-2", slice(0, 5));

    assertThat(shorter.statusCode()).isEqualTo(400);
    assertThat(errorCode(shorter)).isEqualTo("SIZE_INVALID");
    assertThat(longer.statusCode()).isEqualTo(400);
    assertThat(errorCode(longer)).isEqualTo("SIZE_INVALID");
    HttpResponse<byte[]> status = http.get(location);
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).hasValue("0-0");
  }

  @Test
  void patchWithoutContentRangeAppendsTheWholeBody() throws Exception {
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> first = http.patch(location, null, slice(0, 6));
    HttpResponse<byte[]> second = http.patch(location, null, slice(6, 16));

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.headers().firstValue("Range")).hasValue("0-5");
    assertThat(second.statusCode()).isEqualTo(202);
    assertThat(second.headers().firstValue("Range")).hasValue("0-15");
  }

  @Test
  void streamedPatchWithChunkedEncodingStoresTheWholeBody() throws Exception {
    byte[] large = Pushes.content(1_500_000, 11);
    Digest digest = Digest.sha256(large);
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> patched =
        http.patchStreamed(location, () -> new ByteArrayInputStream(large));
    HttpResponse<byte[]> closed = http.put(location + "?digest=" + digest, null, new byte[0]);

    assertThat(patched.statusCode()).as(describe(patched)).isEqualTo(202);
    assertThat(patched.headers().firstValue("Range")).hasValue("0-1499999");
    assertThat(closed.statusCode()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + digest).body()).isEqualTo(large);
  }

  @Test
  void streamedPatchAfterARangedChunkAppendsAtTheOffset() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-3", slice(0, 4));

    HttpResponse<byte[]> streamed =
        http.patchStreamed(location, () -> new ByteArrayInputStream(slice(4, 16)));

    assertThat(streamed.statusCode()).isEqualTo(202);
    assertThat(streamed.headers().firstValue("Range")).hasValue("0-15");
    assertThat(http.put(location + "?digest=" + DIGEST, null, new byte[0]).statusCode())
        .isEqualTo(201);
  }

  @Test
  void putWithDigestAndNoBodyCompletesTheUpload() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-15", CONTENT);

    HttpResponse<byte[]> response = http.put(location + "?digest=" + DIGEST, null, new byte[0]);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).hasValue("/v2/os/rootfs/blobs/" + DIGEST);
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(DIGEST.toString());
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "location",
            "docker-content-digest",
            "content-length",
            "docker-distribution-api-version");
    HttpResponse<byte[]> blob = http.get("/v2/os/rootfs/blobs/" + DIGEST);
    assertThat(blob.statusCode()).isEqualTo(200);
    assertThat(blob.body()).isEqualTo(CONTENT);
  }

  @Test
  void putWithTheWholeBlobCompletesAMonolithicUpload() throws Exception {
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> response = http.put(location + "?digest=" + DIGEST, null, CONTENT);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void putWithFinalChunkCompletesTheUpload() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-9", slice(0, 10));

    HttpResponse<byte[]> response = http.put(location + "?digest=" + DIGEST, null, slice(10, 16));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void putWithFinalChunkAndContentRangeCompletesTheUpload() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-9", slice(0, 10));

    HttpResponse<byte[]> response =
        http.send(
            http.request(location + "?digest=" + DIGEST)
                .header("Content-Range", "10-15")
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(slice(10, 16))));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void putWithFinalChunkOutOfOrderReturns416AndKeepsTheUpload() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-9", slice(0, 10));

    HttpResponse<byte[]> response =
        http.send(
            http.request(location + "?digest=" + DIGEST)
                .header("Content-Range", "12-17")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(slice(10, 16))));

    assertThat(response.statusCode()).isEqualTo(416);
    assertThat(http.get(location).headers().firstValue("Range")).hasValue("0-9");
  }

  @Test
  void putWithoutDigestReturns400DigestInvalid() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-15", CONTENT);

    HttpResponse<byte[]> response = http.put(location, null, new byte[0]);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(http.head("/v2/os/rootfs/blobs/" + DIGEST).statusCode()).isEqualTo(404);
  }

  @Test
  void putWithWrongDigestReturns400DigestInvalidAndStoresNothing() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-15", CONTENT);
    Digest wrong = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> response = http.put(location + "?digest=" + wrong, null, new byte[0]);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(http.head("/v2/os/rootfs/blobs/" + wrong).statusCode()).isEqualTo(404);
    assertThat(http.head("/v2/os/rootfs/blobs/" + DIGEST).statusCode()).isEqualTo(404);
  }

  @Test
  void putWithMalformedDigestReturns400DigestInvalid() throws Exception {
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> response = http.put(location + "?digest=sha256:xyz", null, CONTENT);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void completedUploadIsNoLongerKnown() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.put(location + "?digest=" + DIGEST, null, CONTENT);

    HttpResponse<byte[]> status = http.get(location);
    HttpResponse<byte[]> patch = http.patch(location, "16-17", new byte[2]);

    assertThat(status.statusCode()).isEqualTo(404);
    assertThat(errorCode(status)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    assertThat(patch.statusCode()).isEqualTo(404);
    assertThat(errorCode(patch)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void getStatusReturns204WithLocationRangeAndUploadUuid() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-6", slice(0, 7));

    HttpResponse<byte[]> response = http.get(location);

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("Location")).hasValue(location);
    assertThat(response.headers().firstValue("Range")).hasValue("0-6");
    assertThat(response.headers().firstValue("Docker-Upload-UUID")).hasValue(uuidOf(location));
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "location", "range", "docker-upload-uuid", "docker-distribution-api-version");
  }

  @Test
  void statusOfAFreshUploadReportsRangeZeroToZero() throws Exception {
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> response = http.get(location);

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Range")).hasValue("0-0");
  }

  @Test
  void deleteCancelsTheUploadWhichIsThenUnknown() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-4", slice(0, 5));

    HttpResponse<byte[]> cancelled = http.delete(location);
    HttpResponse<byte[]> status = http.get(location);
    HttpResponse<byte[]> patch = http.patch(location, "5-9", slice(5, 10));
    HttpResponse<byte[]> put = http.put(location + "?digest=" + DIGEST, null, slice(5, 16));
    HttpResponse<byte[]> again = http.delete(location);

    assertThat(cancelled.statusCode()).isEqualTo(204);
    assertThat(cancelled.body()).isEmpty();
    for (HttpResponse<byte[]> response : java.util.List.of(status, patch, put, again)) {
      assertThat(response.statusCode()).as(describe(response)).isEqualTo(404);
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

    HttpResponse<byte[]> status = http.get(location);
    HttpResponse<byte[]> patch = http.patch(location, "0-4", slice(0, 5));
    HttpResponse<byte[]> put = http.put(location + "?digest=" + DIGEST, null, CONTENT);
    HttpResponse<byte[]> delete = http.delete(location);

    for (HttpResponse<byte[]> response : java.util.List.of(status, patch, put, delete)) {
      assertThat(response.statusCode()).as(describe(response)).isEqualTo(404);
      assertThat(errorCode(response)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }
  }

  @Test
  void randomUploadIdReturns404BlobUploadUnknown() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/os/rootfs/blobs/uploads/" + UUID.randomUUID());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void uploadOfAnotherRepositoryIsUnknownThere() throws Exception {
    String location = pushes.startUpload("os/rootfs");
    http.patch(location, "0-4", slice(0, 5));
    String elsewhere = "/v2/os/other/blobs/uploads/" + uuidOf(location);

    HttpResponse<byte[]> status = http.get(elsewhere);
    HttpResponse<byte[]> patch = http.patch(elsewhere, "5-9", slice(5, 10));
    HttpResponse<byte[]> put = http.put(elsewhere + "?digest=" + DIGEST, null, slice(5, 16));
    HttpResponse<byte[]> delete = http.delete(elsewhere);

    for (HttpResponse<byte[]> response : java.util.List.of(status, patch, put, delete)) {
      assertThat(response.statusCode()).as(describe(response)).isEqualTo(404);
      assertThat(errorCode(response)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }
    HttpResponse<byte[]> own = http.get(location);
    assertThat(own.statusCode()).isEqualTo(204);
    assertThat(own.headers().firstValue("Range")).hasValue("0-4");
    assertThat(http.head("/v2/os/other/blobs/" + DIGEST).statusCode()).isEqualTo(404);
  }

  @Test
  void emptyBlobCanBePushedMonolithically() throws Exception {
    HttpResponse<byte[]> response =
        http.post("/v2/os/rootfs/blobs/uploads/?digest=" + Pushes.EMPTY_DIGEST, new byte[0]);

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
    assertThat(response.headers().firstValue("Docker-Content-Digest"))
        .hasValue(Pushes.EMPTY_DIGEST.toString());
    HttpResponse<byte[]> head = http.head("/v2/os/rootfs/blobs/" + Pushes.EMPTY_DIGEST);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue("0");
  }

  @Test
  void emptyBlobCanBePushedWithASessionAndAnEmptyPut() throws Exception {
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> response =
        http.put(location + "?digest=" + Pushes.EMPTY_DIGEST, null, new byte[0]);

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
    assertThat(http.head("/v2/os/rootfs/blobs/" + Pushes.EMPTY_DIGEST).statusCode()).isEqualTo(200);
  }

  @Test
  void emptyBlobCanBePushedChunkedWithAnEmptyPatch() throws Exception {
    String location = pushes.startUpload("os/rootfs");

    HttpResponse<byte[]> patched = http.patch(location, null, new byte[0]);
    HttpResponse<byte[]> closed =
        http.put(location + "?digest=" + Pushes.EMPTY_DIGEST, null, new byte[0]);

    assertThat(patched.statusCode()).as(describe(patched)).isEqualTo(202);
    assertThat(patched.headers().firstValue("Range")).hasValue("0-0");
    assertThat(closed.statusCode()).as(describe(closed)).isEqualTo(201);
    assertThat(http.get("/v2/os/rootfs/blobs/" + Pushes.EMPTY_DIGEST).statusCode()).isEqualTo(200);
  }

  @Test
  void mountFromRepositoryHoldingTheBlobReturns201() throws Exception {
    pushes.blob("os/base", CONTENT);

    HttpResponse<byte[]> response =
        http.post("/v2/os/rootfs/blobs/uploads/?mount=" + DIGEST + "&from=os/base", new byte[0]);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).hasValue("/v2/os/rootfs/blobs/" + DIGEST);
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(DIGEST.toString());
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
    pushes.blob("os/elsewhere", CONTENT);
    pushes.blob("os/base", "something else");

    HttpResponse<byte[]> response =
        http.post("/v2/os/rootfs/blobs/uploads/?mount=" + DIGEST + "&from=os/base", new byte[0]);

    assertThat(response.statusCode()).isEqualTo(202);
    String location = response.headers().firstValue("Location").orElseThrow();
    assertThat(location).matches(UPLOAD_PATH);
    assertThat(response.headers().firstValue("Range")).hasValue("0-0");
    assertThat(response.headers().firstValue("Docker-Upload-UUID")).hasValue(uuidOf(location));
    assertThat(http.head("/v2/os/rootfs/blobs/" + DIGEST).statusCode()).isEqualTo(404);
    assertThat(http.put(location + "?digest=" + DIGEST, null, CONTENT).statusCode()).isEqualTo(201);
  }

  @Test
  void mountFromUnknownRepositoryOpensAnUploadWith202() throws Exception {
    pushes.blob("os/elsewhere", CONTENT);

    HttpResponse<byte[]> response =
        http.post("/v2/os/rootfs/blobs/uploads/?mount=" + DIGEST + "&from=nowhere", new byte[0]);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Location").orElseThrow()).matches(UPLOAD_PATH);
    assertThat(http.head("/v2/os/rootfs/blobs/" + DIGEST).statusCode()).isEqualTo(404);
  }

  @Test
  void mountWithoutFromMountsABlobStoredAnywhere() throws Exception {
    pushes.blob("os/elsewhere", CONTENT);

    HttpResponse<byte[]> response =
        http.post("/v2/os/rootfs/blobs/uploads/?mount=" + DIGEST, new byte[0]);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).hasValue("/v2/os/rootfs/blobs/" + DIGEST);
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(DIGEST.toString());
    assertThat(http.get("/v2/os/rootfs/blobs/" + DIGEST).body()).isEqualTo(CONTENT);
  }

  @Test
  void mountWithoutFromOfABlobStoredNowhereOpensAnUploadWith202() throws Exception {
    HttpResponse<byte[]> response =
        http.post("/v2/os/rootfs/blobs/uploads/?mount=" + DIGEST, new byte[0]);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Location").orElseThrow()).matches(UPLOAD_PATH);
    assertThat(response.headers().firstValue("Range")).hasValue("0-0");
    assertThat(response.headers().firstValue("Docker-Upload-UUID")).isPresent();
  }

  @Test
  void uploadToAnInvalidNameReturns400NameInvalid() throws Exception {
    HttpResponse<byte[]> response = http.post("/v2/OS/rootfs/blobs/uploads/", new byte[0]);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("NAME_INVALID");
  }

  private static byte[] slice(int from, int to) {
    return Arrays.copyOfRange(CONTENT, from, to);
  }

  private static String uuidOf(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }
}
