package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Responses.describe;
import static dev.ociregistry.servlet.testing.Responses.errorCode;
import static dev.ociregistry.servlet.testing.Responses.headerNames;
import static dev.ociregistry.servlet.testing.Responses.headersWithoutDate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.servlet.testing.Responses;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Blob GET and HEAD (end-2) with ranges, blob DELETE (end-10), and repository isolation. */
class BlobEndpointsTest extends RegistryTestBase {
  private static final byte[] CONTENT = "hello world".getBytes(StandardCharsets.UTF_8);
  private static final String DIGEST = Digests.sha256(CONTENT);

  /** The digest of zero bytes. */
  private static final String EMPTY_DIGEST = Digests.sha256(new byte[0]);

  private static final String UNKNOWN =
      Digests.sha256("never pushed".getBytes(StandardCharsets.UTF_8));

  @BeforeEach
  void pushHello() throws Exception {
    pusher.blob("library/hello", Artifacts.blob(Artifacts.OCI_LAYER, CONTENT));
  }

  @Test
  void getReturnsExactBytesWithBlobHeaders() throws Exception {
    TestHttp.Response response = http.get("/v2/library/hello/blobs/" + DIGEST);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(CONTENT);
    assertThat(response.header("Content-Length")).hasValue("11");
    assertThat(response.header("Content-Type")).hasValue("application/octet-stream");
    assertThat(response.header("Docker-Content-Digest")).hasValue(DIGEST);
    assertThat(response.header("Accept-Ranges")).hasValue("bytes");
    assertThat(response.header("ETag")).hasValue("\"" + DIGEST + "\"");
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
    TestHttp.Response get = http.get("/v2/library/hello/blobs/" + DIGEST);
    TestHttp.Response head = http.head("/v2/library/hello/blobs/" + DIGEST);

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(headersWithoutDate(head)).isEqualTo(headersWithoutDate(get));
  }

  @Test
  void rangeFromStartReturns206WithThoseBytes() throws Exception {
    TestHttp.Response response = rangeGet("bytes=0-4");

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    assertThat(response.header("Content-Range")).hasValue("bytes 0-4/11");
    assertThat(response.header("Content-Length")).hasValue("5");
    assertThat(response.header("Docker-Content-Digest")).hasValue(DIGEST);
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
    TestHttp.Response response = rangeGet("bytes=5-");

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(" world".getBytes(StandardCharsets.UTF_8));
    assertThat(response.header("Content-Range")).hasValue("bytes 5-10/11");
    assertThat(response.header("Content-Length")).hasValue("6");
  }

  @Test
  void suffixRangeReturns206WithTheLastBytes() throws Exception {
    TestHttp.Response response = rangeGet("bytes=-3");

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body()).isEqualTo("rld".getBytes(StandardCharsets.UTF_8));
    assertThat(response.header("Content-Range")).hasValue("bytes 8-10/11");
    assertThat(response.header("Content-Length")).hasValue("3");
  }

  @Test
  void rangeEndingPastTheBlobIsClippedToTheBlob() throws Exception {
    TestHttp.Response response = rangeGet("bytes=6-999");

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body()).isEqualTo("world".getBytes(StandardCharsets.UTF_8));
    assertThat(response.header("Content-Range")).hasValue("bytes 6-10/11");
  }

  @Test
  void suffixLongerThanTheBlobReturnsTheWholeBlobAsPartialContent() throws Exception {
    TestHttp.Response response = rangeGet("bytes=-100");

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(CONTENT);
    assertThat(response.header("Content-Range")).hasValue("bytes 0-10/11");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=11-", "bytes=100-200", "bytes=-0", "bytes=5-3"})
  void unsatisfiableRangeReturns416WithTheSizeInContentRange(String range) throws Exception {
    TestHttp.Response response = rangeGet(range);

    assertThat(response.status()).as(describe(response)).isEqualTo(416);
    assertThat(response.header("Content-Range")).hasValue("bytes */11");
    assertThat(response.header("Docker-Distribution-API-Version")).hasValue("registry/2.0");
    Responses.error(response);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=0-1,3-4", "items=0-4", "bytes=abc", "bytes=-", "garbage"})
  void rangeThatIsNotOneByteRangeIsIgnoredAndTheWholeBlobSent(String range) throws Exception {
    TestHttp.Response response = rangeGet(range);

    assertThat(response.status()).as(describe(response)).isEqualTo(200);
    assertThat(response.body()).isEqualTo(CONTENT);
    assertThat(response.header("Content-Range")).isEmpty();
  }

  @Test
  void largeBlobRangeInTheMiddleReturnsExactlyThoseBytes() throws Exception {
    byte[] large = Artifacts.content(1_000_000, 7);
    Blob blob = pusher.blob("library/large", Artifacts.blob(Artifacts.OCI_LAYER, large));

    TestHttp.Response response =
        http.send(
            http.request("/v2/library/large/blobs/" + blob.digest())
                .header("Range", "bytes=300000-700001")
                .GET());

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(large, 300_000, 700_002));
    assertThat(response.header("Content-Range")).hasValue("bytes 300000-700001/1000000");
  }

  @Test
  void unknownBlobReturns404BlobUnknown() throws Exception {
    TestHttp.Response get = http.get("/v2/library/hello/blobs/" + UNKNOWN);
    TestHttp.Response head = http.head("/v2/library/hello/blobs/" + UNKNOWN);

    assertThat(get.status()).isEqualTo(404);
    assertThat(errorCode(get)).isEqualTo("BLOB_UNKNOWN");
    assertThat(head.status()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void blobOfAnotherRepositoryIsNotVisible() throws Exception {
    TestHttp.Response get = http.get("/v2/library/other/blobs/" + DIGEST);
    TestHttp.Response head = http.head("/v2/library/other/blobs/" + DIGEST);
    TestHttp.Response nested = http.get("/v2/library/hello/nested/blobs/" + DIGEST);
    TestHttp.Response parent = http.get("/v2/library/blobs/" + DIGEST);

    assertThat(get.status()).isEqualTo(404);
    assertThat(errorCode(get)).isEqualTo("BLOB_UNKNOWN");
    assertThat(head.status()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
    assertThat(nested.status()).isEqualTo(404);
    assertThat(errorCode(nested)).isEqualTo("BLOB_UNKNOWN");
    assertThat(parent.status()).isEqualTo(404);
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
    TestHttp.Response get = http.get("/v2/library/hello/blobs/" + digest);
    TestHttp.Response head = http.head("/v2/library/hello/blobs/" + digest);

    assertThat(get.status()).as(describe(get)).isEqualTo(400);
    assertThat(errorCode(get)).isEqualTo("DIGEST_INVALID");
    assertThat(head.status()).isEqualTo(400);
    assertThat(head.body()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Library/hello", "library/-hello", "library/hello_", "a/_b", "a..b"})
  void invalidNameReturns400NameInvalid(String name) throws Exception {
    TestHttp.Response response = http.get("/v2/" + name + "/blobs/" + DIGEST);

    assertThat(response.status()).as(describe(response)).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("NAME_INVALID");
  }

  @Test
  void nameLongerThan255CharactersReturns400NameInvalid() throws Exception {
    String name = "a".repeat(127) + "/" + "b".repeat(127);
    String tooLong = name + "c";

    TestHttp.Response fits = http.get("/v2/" + name + "/blobs/" + DIGEST);
    TestHttp.Response response = http.get("/v2/" + tooLong + "/blobs/" + DIGEST);

    assertThat(fits.status()).isEqualTo(404);
    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("NAME_INVALID");
  }

  @Test
  void emptyBlobIsServedWithZeroLength() throws Exception {
    pusher.blob("library/hello", Artifacts.blob(Artifacts.OCI_LAYER, new byte[0]));

    TestHttp.Response get = http.get("/v2/library/hello/blobs/" + EMPTY_DIGEST);
    TestHttp.Response head = http.head("/v2/library/hello/blobs/" + EMPTY_DIGEST);

    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body()).isEmpty();
    assertThat(get.header("Content-Length")).hasValue("0");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).hasValue("0");
  }

  @Test
  void deleteReturns202AndTheBlobIsThenUnknown() throws Exception {
    TestHttp.Response deleted = http.delete("/v2/library/hello/blobs/" + DIGEST);
    TestHttp.Response get = http.get("/v2/library/hello/blobs/" + DIGEST);

    assertThat(deleted.status()).isEqualTo(202);
    assertThat(deleted.body()).isEmpty();
    assertThat(get.status()).isEqualTo(404);
    assertThat(errorCode(get)).isEqualTo("BLOB_UNKNOWN");
  }

  @Test
  void deleteOfUnknownBlobReturns404BlobUnknown() throws Exception {
    TestHttp.Response response = http.delete("/v2/library/hello/blobs/" + UNKNOWN);
    TestHttp.Response twice = http.delete("/v2/library/other/blobs/" + DIGEST);

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("BLOB_UNKNOWN");
    assertThat(twice.status()).isEqualTo(404);
    assertThat(errorCode(twice)).isEqualTo("BLOB_UNKNOWN");
  }

  @Test
  void deleteInOneRepositoryKeepsTheBlobInAnother() throws Exception {
    pusher.blob("library/other", Artifacts.blob(Artifacts.OCI_LAYER, CONTENT));

    TestHttp.Response deleted = http.delete("/v2/library/hello/blobs/" + DIGEST);
    TestHttp.Response other = http.get("/v2/library/other/blobs/" + DIGEST);

    assertThat(deleted.status()).isEqualTo(202);
    assertThat(other.status()).isEqualTo(200);
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
    TestHttp.Response response = rangeGet(range);

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.text()).isEqualTo(body);
    assertThat(response.header("Content-Range")).hasValue(contentRange);
  }

  private TestHttp.Response rangeGet(String range) throws Exception {
    return http.send(
        http.request("/v2/library/hello/blobs/" + DIGEST).header("Range", range).GET());
  }
}
