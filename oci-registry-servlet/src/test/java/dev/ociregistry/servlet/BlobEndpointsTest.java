package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Pushes.describe;
import static dev.ociregistry.servlet.testing.Pushes.errorCode;
import static dev.ociregistry.servlet.testing.Pushes.headerNames;
import static dev.ociregistry.servlet.testing.Pushes.headersWithoutDate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.servlet.testing.Http;
import dev.ociregistry.servlet.testing.Pushes;
import dev.ociregistry.servlet.testing.RegistryServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Blob GET and HEAD (end-2) with ranges, blob DELETE (end-10), and repository isolation. */
class BlobEndpointsTest {
  private static final byte[] CONTENT = "hello world".getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Digest.sha256(CONTENT);
  private static final Digest UNKNOWN =
      Digest.sha256("never pushed".getBytes(StandardCharsets.UTF_8));

  @TempDir Path root;

  private RegistryServer server;
  private Http http;
  private Pushes pushes;

  @BeforeEach
  void start() throws Exception {
    server = RegistryServer.start(root);
    http = new Http(server.base());
    pushes = new Pushes(http);
    pushes.blob("library/hello", CONTENT);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void getReturnsExactBytesWithBlobHeaders() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/library/hello/blobs/" + DIGEST);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(CONTENT);
    assertThat(response.headers().firstValue("Content-Length")).hasValue("11");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(DIGEST.toString());
    assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    assertThat(response.headers().firstValue("ETag")).hasValue("\"" + DIGEST + "\"");
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "content-length",
            "content-type",
            "docker-content-digest",
            "accept-ranges",
            "etag",
            "docker-distribution-api-version");
  }

  @Test
  void headAnswersTheSameHeadersAsGetWithoutBody() throws Exception {
    HttpResponse<byte[]> get = http.get("/v2/library/hello/blobs/" + DIGEST);
    HttpResponse<byte[]> head = http.head("/v2/library/hello/blobs/" + DIGEST);

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(headersWithoutDate(head)).isEqualTo(headersWithoutDate(get));
  }

  @Test
  void rangeFromStartReturns206WithThoseBytes() throws Exception {
    HttpResponse<byte[]> response = rangeGet("bytes=0-4");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 0-4/11");
    assertThat(response.headers().firstValue("Content-Length")).hasValue("5");
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(DIGEST.toString());
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "content-length",
            "content-range",
            "content-type",
            "docker-content-digest",
            "accept-ranges",
            "etag",
            "docker-distribution-api-version");
  }

  @Test
  void openEndedRangeReturns206WithTheRest() throws Exception {
    HttpResponse<byte[]> response = rangeGet("bytes=5-");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(" world".getBytes(StandardCharsets.UTF_8));
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 5-10/11");
    assertThat(response.headers().firstValue("Content-Length")).hasValue("6");
  }

  @Test
  void suffixRangeReturns206WithTheLastBytes() throws Exception {
    HttpResponse<byte[]> response = rangeGet("bytes=-3");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo("rld".getBytes(StandardCharsets.UTF_8));
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 8-10/11");
    assertThat(response.headers().firstValue("Content-Length")).hasValue("3");
  }

  @Test
  void rangeEndingPastTheBlobIsClippedToTheBlob() throws Exception {
    HttpResponse<byte[]> response = rangeGet("bytes=6-999");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo("world".getBytes(StandardCharsets.UTF_8));
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 6-10/11");
  }

  @Test
  void suffixLongerThanTheBlobReturnsTheWholeBlobAsPartialContent() throws Exception {
    HttpResponse<byte[]> response = rangeGet("bytes=-100");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(CONTENT);
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 0-10/11");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=11-", "bytes=100-200", "bytes=-0", "bytes=5-3"})
  void unsatisfiableRangeReturns416WithTheSizeInContentRange(String range) throws Exception {
    HttpResponse<byte[]> response = rangeGet(range);

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(416);
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */11");
    assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
        .hasValue("registry/2.0");
    Pushes.error(response);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=0-1,3-4", "items=0-4", "bytes=abc", "bytes=-", "garbage"})
  void rangeThatIsNotOneByteRangeIsIgnoredAndTheWholeBlobSent(String range) throws Exception {
    HttpResponse<byte[]> response = rangeGet(range);

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    assertThat(response.body()).isEqualTo(CONTENT);
    assertThat(response.headers().firstValue("Content-Range")).isEmpty();
  }

  @Test
  void largeBlobRangeInTheMiddleReturnsExactlyThoseBytes() throws Exception {
    byte[] large = Pushes.content(1_000_000, 7);
    Pushes.Blob blob = pushes.blob("library/large", large);

    HttpResponse<byte[]> response =
        http.send(
            http.request("/v2/library/large/blobs/" + blob.digest())
                .header("Range", "bytes=300000-700001")
                .GET());

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(large, 300_000, 700_002));
    assertThat(response.headers().firstValue("Content-Range"))
        .hasValue("bytes 300000-700001/1000000");
  }

  @Test
  void unknownBlobReturns404BlobUnknown() throws Exception {
    HttpResponse<byte[]> get = http.get("/v2/library/hello/blobs/" + UNKNOWN);
    HttpResponse<byte[]> head = http.head("/v2/library/hello/blobs/" + UNKNOWN);

    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(errorCode(get)).isEqualTo("BLOB_UNKNOWN");
    assertThat(head.statusCode()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void blobOfAnotherRepositoryIsNotVisible() throws Exception {
    HttpResponse<byte[]> get = http.get("/v2/library/other/blobs/" + DIGEST);
    HttpResponse<byte[]> head = http.head("/v2/library/other/blobs/" + DIGEST);
    HttpResponse<byte[]> nested = http.get("/v2/library/hello/nested/blobs/" + DIGEST);
    HttpResponse<byte[]> parent = http.get("/v2/library/blobs/" + DIGEST);

    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(errorCode(get)).isEqualTo("BLOB_UNKNOWN");
    assertThat(head.statusCode()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
    assertThat(nested.statusCode()).isEqualTo(404);
    assertThat(errorCode(nested)).isEqualTo("BLOB_UNKNOWN");
    assertThat(parent.statusCode()).isEqualTo(404);
    assertThat(errorCode(parent)).isEqualTo("BLOB_UNKNOWN");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha256:abc",
        "sha256:B94D27B9934D3E08A52E52D7DA7DABFAC484EFE37A5380EE9088F7ACE2EFCDE9",
        "sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde",
        "md5:5eb63bbbe01eeed093cb22bb8f5acdc3",
        "sha256",
        "latest",
        ":b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
      })
  void invalidDigestInPathReturns400DigestInvalid(String digest) throws Exception {
    HttpResponse<byte[]> get = http.get("/v2/library/hello/blobs/" + digest);
    HttpResponse<byte[]> head = http.head("/v2/library/hello/blobs/" + digest);

    assertThat(get.statusCode()).as(describe(get)).isEqualTo(400);
    assertThat(errorCode(get)).isEqualTo("DIGEST_INVALID");
    assertThat(head.statusCode()).isEqualTo(400);
    assertThat(head.body()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Library/hello", "library/-hello", "library/hello_", "a/_b", "a..b"})
  void invalidNameReturns400NameInvalid(String name) throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/" + name + "/blobs/" + DIGEST);

    assertThat(response.statusCode()).as(describe(response)).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("NAME_INVALID");
  }

  @Test
  void nameLongerThan255CharactersReturns400NameInvalid() throws Exception {
    String name = "a".repeat(127) + "/" + "b".repeat(127);
    String tooLong = name + "c";

    HttpResponse<byte[]> fits = http.get("/v2/" + name + "/blobs/" + DIGEST);
    HttpResponse<byte[]> response = http.get("/v2/" + tooLong + "/blobs/" + DIGEST);

    assertThat(fits.statusCode()).isEqualTo(404);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("NAME_INVALID");
  }

  @Test
  void emptyBlobIsServedWithZeroLength() throws Exception {
    pushes.blob("library/hello", new byte[0]);

    HttpResponse<byte[]> get = http.get("/v2/library/hello/blobs/" + Pushes.EMPTY_DIGEST);
    HttpResponse<byte[]> head = http.head("/v2/library/hello/blobs/" + Pushes.EMPTY_DIGEST);

    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEmpty();
    assertThat(get.headers().firstValue("Content-Length")).hasValue("0");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue("0");
  }

  @Test
  void deleteReturns202AndTheBlobIsThenUnknown() throws Exception {
    HttpResponse<byte[]> deleted = http.delete("/v2/library/hello/blobs/" + DIGEST);
    HttpResponse<byte[]> get = http.get("/v2/library/hello/blobs/" + DIGEST);

    assertThat(deleted.statusCode()).isEqualTo(202);
    assertThat(deleted.body()).isEmpty();
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(errorCode(get)).isEqualTo("BLOB_UNKNOWN");
  }

  @Test
  void deleteOfUnknownBlobReturns404BlobUnknown() throws Exception {
    HttpResponse<byte[]> response = http.delete("/v2/library/hello/blobs/" + UNKNOWN);
    HttpResponse<byte[]> twice = http.delete("/v2/library/other/blobs/" + DIGEST);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("BLOB_UNKNOWN");
    assertThat(twice.statusCode()).isEqualTo(404);
    assertThat(errorCode(twice)).isEqualTo("BLOB_UNKNOWN");
  }

  @Test
  void deleteInOneRepositoryKeepsTheBlobInAnother() throws Exception {
    pushes.blob("library/other", CONTENT);

    HttpResponse<byte[]> deleted = http.delete("/v2/library/hello/blobs/" + DIGEST);
    HttpResponse<byte[]> other = http.get("/v2/library/other/blobs/" + DIGEST);

    assertThat(deleted.statusCode()).isEqualTo(202);
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).isEqualTo(CONTENT);
  }

  @ParameterizedTest
  @CsvSource({
    "bytes=0-0,h,bytes 0-0/11",
    "bytes=10-10,d,bytes 10-10/11",
    "bytes=10-,d,bytes 10-10/11"
  })
  void singleByteRangesReturnOneByte(String range, String body, String contentRange)
      throws Exception {
    HttpResponse<byte[]> response = rangeGet(range);

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(body);
    assertThat(response.headers().firstValue("Content-Range")).hasValue(contentRange);
  }

  private HttpResponse<byte[]> rangeGet(String range) throws Exception {
    return http.send(
        http.request("/v2/library/hello/blobs/" + DIGEST).header("Range", range).GET());
  }
}
