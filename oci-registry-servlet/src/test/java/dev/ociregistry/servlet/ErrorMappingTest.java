package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Responses.describe;
import static dev.ociregistry.servlet.testing.Responses.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.servlet.testing.Responses;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How failures reach the client: unknown endpoints, wrong methods, HEAD errors, and the promise
 * that nothing a client sends produces a 500.
 */
class ErrorMappingTest extends RegistryTestBase {
  private static final byte[] CONTENT = "some content".getBytes(StandardCharsets.UTF_8);
  private static final String DIGEST = Digests.sha256(CONTENT);
  private static final String UUID = "00000000-0000-0000-0000-000000000000";

  @BeforeEach
  void pushContent() throws Exception {
    pusher.blob("app/web", Artifacts.blob(Artifacts.OCI_LAYER, CONTENT));
    pusher.image("app/web", "v1", Artifacts.image("v1"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v2/foo",
        "/v2/foo/bar",
        "/v2/app/web/blobs/",
        "/v2/app/web/manifests/",
        "/v2/app/web/tags",
        "/v2/app/web/tags/list/more",
        "/v2/app/web/referrers/",
        "/v2/_catalog/more",
        "/v2/app/web/blobs/uploads/a/b"
      })
  void unknownPathUnderV2Returns404WithErrorBody(String path) throws Exception {
    TestHttp.Response get = http.get(path);
    TestHttp.Response head = http.head(path);

    assertThat(get.status()).as(describe(get)).isEqualTo(404);
    assertThat(errorCode(get)).isEqualTo("UNSUPPORTED");
    assertThat(get.header("Docker-Distribution-API-Version")).hasValue("registry/2.0");
    assertThat(head.status()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "POST    | /v2/                                       | GET, HEAD",
        "DELETE  | /v2/                                       | GET, HEAD",
        "POST    | /v2/_catalog                               | GET",
        "HEAD    | /v2/_catalog                               | GET",
        "GET     | /v2/app/web/blobs/uploads/                 | POST",
        "PUT     | /v2/app/web/blobs/uploads/                 | POST",
        "POST    | /v2/app/web/blobs/uploads/" + UUID + "     | GET, PATCH, PUT, DELETE",
        "HEAD    | /v2/app/web/blobs/uploads/" + UUID + "     | GET, PATCH, PUT, DELETE",
        "PUT     | /v2/app/web/blobs/" + "DIGEST" + "         | GET, HEAD, DELETE",
        "PATCH   | /v2/app/web/blobs/" + "DIGEST" + "         | GET, HEAD, DELETE",
        "POST    | /v2/app/web/manifests/v1                   | GET, HEAD, PUT, DELETE",
        "PATCH   | /v2/app/web/manifests/v1                   | GET, HEAD, PUT, DELETE",
        "OPTIONS | /v2/app/web/manifests/v1                   | GET, HEAD, PUT, DELETE",
        "DELETE  | /v2/app/web/tags/list                      | GET",
        "PUT     | /v2/app/web/tags/list                      | GET",
        "POST    | /v2/app/web/referrers/" + "DIGEST" + "     | GET"
      })
  void wrongMethodReturns405UnsupportedWithAllow(String method, String path, String allow)
      throws Exception {
    String resolved = path.replace("DIGEST", DIGEST);

    TestHttp.Response response =
        http.send(
            http.request(resolved)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(new byte[0])));

    assertThat(response.status()).as(describe(response)).isEqualTo(405);
    assertThat(response.headerValues("Allow")).containsExactly(allow);
    assertThat(response.header("Docker-Distribution-API-Version")).hasValue("registry/2.0");
    if (method.equals("HEAD")) {
      assertThat(response.body()).isEmpty();
    } else {
      assertThat(errorCode(response)).isEqualTo("UNSUPPORTED");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v2/app;x=y/web/tags/list",
        "/v2/app/web;x/manifests/v1",
        "/v2/app/web/manifests/v1;x",
        "/v2/app/web/blobs/uploads/;x"
      })
  void pathParametersNeverNameAnotherRepository(String path) throws Exception {
    RawHttp.Response response =
        RawHttp.exchange(server.base(), "GET " + path + " HTTP/1.1\r\n", new byte[0], false);

    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.text()).contains("NAME_INVALID");
  }

  @Test
  void errorBodyIsOneEntryWithCodeAndMessage() throws Exception {
    String unknown = Digests.sha256("unknown".getBytes());

    TestHttp.Response response = http.get("/v2/app/web/blobs/" + unknown);

    JsonNode entry = Responses.error(response);
    assertThat(entry.get("code").asText()).isEqualTo("BLOB_UNKNOWN");
    assertThat(entry.get("message").asText()).isNotBlank();
    assertThat(response.header("Content-Length")).hasValue(String.valueOf(response.body().length));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v2/app/web/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "/v2/app/web/blobs/sha256:abc",
        "/v2/App/blobs/sha256:abc",
        "/v2/app/web/manifests/missing",
        "/v2/app/web/manifests/-bad",
        "/v2/no/such/endpoint",
        "/v2/_catalog",
        "/v2/app/web/tags/list",
        "/v2/app/web/referrers/sha256:abc",
        "/v2/app/web/blobs/uploads/" + UUID
      })
  void headErrorsCarryNoBodyOnTheWire(String path) throws Exception {
    RawHttp.Response response =
        RawHttp.exchange(server.base(), "HEAD " + path + " HTTP/1.1\r\n", new byte[0], false);

    assertThat(response.status()).as(response.toString()).isBetween(400, 499);
    assertThat(response.header("docker-distribution-api-version")).hasValue("registry/2.0");
    assertThat(response.body()).as(response.toString()).isEmpty();
  }

  @Test
  void garbagePathsNeverYield500() throws Exception {
    String digest = DIGEST;
    List<String> targets =
        List.of(
            "/v2/../v2/",
            "/v2/app/../../../etc/passwd",
            "/v2/%2e%2e/%2e%2e/etc/passwd",
            "/v2/app/%2e%2e/%2e%2e/%2e%2e/blobs/" + digest,
            "/v2/app%2Fweb/tags/list",
            "/v2/app%2fweb/blobs/uploads/",
            "/v2/app//web/tags/list",
            "/v2//tags/list",
            "/v2/%00/tags/list",
            "/v2/app%00web/manifests/v1",
            "/v2/app/web/manifests/%00",
            "/v2/app/web/manifests/%ff%fe",
            "/v2/app/web/manifests/sha256:%ff",
            "/v2/app/web/blobs/sha256:%ff",
            "/v2/app/web/blobs/" + digest + "%00",
            "/v2/app/web/blobs/uploads/%2e%2e",
            "/v2/app/web/blobs/uploads/..;/x",
            "/v2/app/web;x=y/tags/list",
            "/v2/app/web/tags/list;n=5",
            "/v2/%",
            "/v2/%zz/tags/list",
            "/v2/" + "a/".repeat(2000) + "tags/list",
            "/v2/" + "a".repeat(300) + "/manifests/" + "t".repeat(300),
            "/v2/" + "a".repeat(20000),
            "/v2/_catalog?n=99999999999999999999999999999999",
            "/v2/_catalog?n=-99999999999999999999",
            "/v2/_catalog?last=" + "z".repeat(2000),
            "/v2/app/web/tags/list?n=%00",
            "/v2/app/web/tags/list?n=1&n=2",
            "/v2/app/web/tags/list?last=%ff%fe",
            "/v2/app/web/tags/list?last=../../etc",
            "/v2/app/web/referrers/" + digest + "?artifactType=%00",
            "/v2/app/web/blobs/uploads/?mount=sha256:abc&from=../../x",
            "/v2/app/web/blobs/uploads/?mount=" + digest + "&from=" + "A".repeat(300),
            "/v2/app/web/blobs/uploads/?mount=" + digest + "&from=app/web/../../x",
            "/v2/app/web/blobs/uploads/?digest=sha256:abc&digest=" + digest,
            "/v2/app/web/blobs/uploads/?mount=&from=",
            "/v2/app/web/blobs/uploads/" + UUID + "?digest=" + digest,
            "/v2/app/web/manifests/v1?x=%",
            "/v2/_catalog?last=%ff",
            "/v2/_catalog?n=%",
            "/v2/app/web/referrers/" + digest + "?artifactType=%ff",
            "/v2/app/web/blobs/uploads/?digest=%ff",
            "/v2/app/web/blobs/uploads/?mount=%c3%28",
            "/v2/app/web/blobs/uploads/" + UUID + "?digest=%c3%28",
            "/v2/?%%%");
    List<String> methods = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
    List<String> failures = new ArrayList<>();

    for (String target : targets) {
      for (String method : methods) {
        RawHttp.Response response =
            RawHttp.exchange(
                server.base(),
                method + " " + target + " HTTP/1.1\r\nContent-Length: 0\r\n",
                new byte[0],
                false);
        if (response.status() >= 500 || response.status() < 0) {
          failures.add(method + " " + abbreviate(target) + " -> " + response);
        }
      }
    }

    assertThat(failures).isEmpty();
    assertThat(http.get("/v2/app/web/blobs/" + digest).body()).isEqualTo(CONTENT);
  }

  @Test
  void hugeOrNegativePageSizesNeverYield500() throws Exception {
    for (String n :
        List.of(
            "2147483647",
            "2147483648",
            "9223372036854775807",
            "9223372036854775808",
            "99999999999999999999",
            "-2147483648",
            "00000000000000000000001")) {
      TestHttp.Response tags = http.get("/v2/app/web/tags/list?n=" + n);
      TestHttp.Response catalog = http.get("/v2/_catalog?n=" + n);

      assertThat(tags.status()).as(describe(tags)).isIn(200, 400);
      assertThat(catalog.status()).as(describe(catalog)).isIn(200, 400);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bytes=9223372036854775807-",
        "bytes=-9223372036854775807",
        "bytes=0-9223372036854775807",
        "bytes=9223372036854775806-9223372036854775807",
        "bytes=99999999999999999999-",
        "bytes=-99999999999999999999",
        "bytes=9999999999999999999-",
        "bytes=--1",
        "bytes=0--1",
        "bytes= 0-1",
        "bytes=\u00e9",
        ""
      })
  void absurdRangeHeadersNeverYield500(String range) throws Exception {
    HttpRequest.Builder request = http.request("/v2/app/web/blobs/" + DIGEST).GET();
    if (!range.isEmpty()) {
      request.header("Range", range);
    }

    TestHttp.Response response = http.send(request);

    assertThat(response.status()).as(describe(response)).isIn(200, 206, 416);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0-9223372036854775807",
        "9223372036854775807-9223372036854775807",
        "1-9223372036854775807",
        "0-99999999999999999999",
        "9223372036854775806-0",
        "-"
      })
  void absurdContentRangeHeadersNeverYield500AndChangeNothing(String contentRange)
      throws Exception {
    String location = pusher.startUpload("app/web");

    TestHttp.Response sized = http.patch(location, contentRange, CONTENT);
    // The whole chunked body goes out with the headers, so that no answer sent before the body is
    // read can race with the client still sending.
    RawHttp.Response streamed =
        RawHttp.exchange(
            server.base(),
            "PATCH "
                + location
                + " HTTP/1.1\r\nContent-Range: "
                + contentRange
                + "\r\nTransfer-Encoding: chunked\r\n",
            ("c\r\n" + new String(CONTENT, StandardCharsets.ISO_8859_1) + "\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1),
            false);

    assertThat(sized.status()).as(describe(sized)).isIn(400, 416);
    assertThat(streamed.status()).as(streamed.toString()).isIn(400, 416);
    TestHttp.Response status = http.get(location);
    assertThat(status.status()).isEqualTo(204);
    assertThat(status.header("Range")).hasValue("0-0");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Content-Length: abc\r\n",
        "Content-Length: -1\r\n",
        "Content-Length: 99999999999999999999\r\n",
        "Content-Length: 3\r\nContent-Length: 4\r\n",
        "Transfer-Encoding: gzip\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
        "Content-Type: \r\nContent-Length: 0\r\n",
        "Content-Type: ;;;=\"\r\nContent-Length: 0\r\n",
        "Content-Range: \u00ff\u00fe\r\nContent-Length: 0\r\n",
        "Range: bytes=\u00ff\r\n",
        "Expect: 100-continue\r\nContent-Length: 0\r\n"
      })
  void malformedRequestHeadersNeverYield500(String headers) throws Exception {
    String location = pusher.startUpload("app/web");
    List<String> targets =
        List.of(
            location,
            "/v2/app/web/blobs/uploads/?digest=" + DIGEST,
            "/v2/app/web/manifests/v2",
            "/v2/app/web/blobs/" + DIGEST);
    List<String> failures = new ArrayList<>();

    for (String target : targets) {
      for (String method : List.of("PATCH", "PUT", "POST", "GET")) {
        RawHttp.Response response =
            RawHttp.exchange(
                server.base(),
                method + " " + target + " HTTP/1.1\r\n" + headers,
                new byte[0],
                true);
        if (response.status() >= 500) {
          failures.add(method + " " + target + " -> " + response);
        }
      }
    }

    assertThat(failures).isEmpty();
    assertThat(http.get(location).status()).isEqualTo(204);
  }

  @Test
  void truncatedChunkLeavesTheUploadUsable() throws Exception {
    String location = pusher.startUpload("app/web");

    RawHttp.Response response =
        RawHttp.exchange(
            server.base(),
            "PATCH " + location + " HTTP/1.1\r\nContent-Length: 100\r\nContent-Range: 0-99\r\n",
            "0123456789".getBytes(StandardCharsets.UTF_8),
            true);

    assertThat(response.status()).as(response.toString()).isLessThan(500);
    TestHttp.Response status = http.get(location);
    assertThat(status.status()).isEqualTo(204);
    resumeAndComplete(location, status, "0123456789");
  }

  @Test
  void truncatedStreamedChunkLeavesTheUploadUsable() throws Exception {
    String location = pusher.startUpload("app/web");

    RawHttp.Response response =
        RawHttp.exchange(
            server.base(),
            "PATCH " + location + " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n",
            "a\r\n0123456789\r\n5\r\n01".getBytes(StandardCharsets.UTF_8),
            true);

    assertThat(response.status()).as(response.toString()).isLessThan(500);
    TestHttp.Response status = http.get(location);
    assertThat(status.status()).isEqualTo(204);
    resumeAndComplete(location, status, "012345678901");
  }

  @Test
  void truncatedFinalChunkLeavesTheUploadUsable() throws Exception {
    String location = pusher.startUpload("app/web");

    RawHttp.Response response =
        RawHttp.exchange(
            server.base(),
            "PUT " + location + "?digest=" + DIGEST + " HTTP/1.1\r\nContent-Length: 12\r\n",
            "some".getBytes(StandardCharsets.UTF_8),
            true);

    assertThat(response.status()).as(response.toString()).isLessThan(500);
    TestHttp.Response status = http.get(location);
    assertThat(status.status()).isEqualTo(204);
  }

  @Test
  void truncatedMonolithicPostStoresNothing() throws Exception {
    byte[] content = "fresh content".getBytes(StandardCharsets.UTF_8);
    String digest = Digests.sha256(content);

    RawHttp.Response response =
        RawHttp.exchange(
            server.base(),
            "POST /v2/app/web/blobs/uploads/?digest="
                + digest
                + " HTTP/1.1\r\n"
                + "Content-Length: "
                + content.length
                + "\r\n",
            java.util.Arrays.copyOf(content, 5),
            true);

    assertThat(response.status()).as(response.toString()).isLessThan(500);
    assertThat(http.head("/v2/app/web/blobs/" + digest).status()).isEqualTo(404);
  }

  @Test
  void truncatedManifestStoresNothing() throws Exception {
    Manifest image = pusher.image("app/web", "v2", Artifacts.image("v2"));

    RawHttp.Response response =
        RawHttp.exchange(
            server.base(),
            "PUT /v2/app/web/manifests/v3 HTTP/1.1\r\nContent-Type: "
                + Artifacts.OCI_MANIFEST
                + "\r\nContent-Length: "
                + image.content().length
                + "\r\n",
            java.util.Arrays.copyOf(image.content(), image.content().length / 2),
            true);

    assertThat(response.status()).as(response.toString()).isLessThan(500);
    assertThat(http.get("/v2/app/web/manifests/v3").status()).isEqualTo(404);
  }

  @Test
  void invalidMountArgumentsNeverYield500() throws Exception {
    for (String query :
        List.of(
            "mount=sha256:abc&from=app/web",
            "mount=" + DIGEST + "&from=App",
            "mount=" + DIGEST + "&from=",
            "mount=&from=app/web",
            "mount=" + DIGEST + "&from=app/web&from=other")) {
      TestHttp.Response response = http.post("/v2/app/other/blobs/uploads/?" + query, new byte[0]);

      assertThat(response.status()).as(describe(response)).isIn(201, 202, 400);
      if (response.status() == 400) {
        Responses.error(response);
      }
    }
  }

  /**
   * Completes an upload after {@code sentText} was (partly) sent: uploads the rest of {@code
   * sentText} and then {@link #CONTENT}, from the offset {@code status} reports, and closes it.
   */
  private void resumeAndComplete(String location, TestHttp.Response status, String sentText)
      throws Exception {
    String range = status.header("Range").orElseThrow();
    int offset = range.equals("0-0") ? 0 : Integer.parseInt(range.substring(2)) + 1;
    // Resuming works whatever arrived, as long as it is a prefix of what was sent.
    byte[] sent = sentText.getBytes(StandardCharsets.UTF_8);
    assertThat(offset).isLessThanOrEqualTo(sent.length);
    byte[] whole = new byte[sent.length + CONTENT.length];
    System.arraycopy(sent, 0, whole, 0, sent.length);
    System.arraycopy(CONTENT, 0, whole, sent.length, CONTENT.length);
    byte[] rest = java.util.Arrays.copyOfRange(whole, offset, whole.length);
    TestHttp.Response patched = http.patch(location, offset + "-" + (whole.length - 1), rest);
    assertThat(patched.status()).as(describe(patched)).isEqualTo(202);
    TestHttp.Response closed =
        http.put(location + "?digest=" + Digests.sha256(whole), null, new byte[0]);
    assertThat(closed.status()).as(describe(closed)).isEqualTo(201);
  }

  private static String abbreviate(String text) {
    return text.length() <= 160 ? text : text.substring(0, 160) + "...";
  }
}
