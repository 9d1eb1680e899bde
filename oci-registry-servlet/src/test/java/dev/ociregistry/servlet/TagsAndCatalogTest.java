package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Pushes.OCI_MANIFEST;
import static dev.ociregistry.servlet.testing.Pushes.describe;
import static dev.ociregistry.servlet.testing.Pushes.errorCode;
import static dev.ociregistry.servlet.testing.Pushes.fieldNames;
import static dev.ociregistry.servlet.testing.Pushes.headerNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.testing.Http;
import dev.ociregistry.servlet.testing.Pushes;
import dev.ociregistry.servlet.testing.RegistryServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tag listing (end-8a, end-8b) and the {@code _catalog}, with {@code n}, {@code last} and Link. */
class TagsAndCatalogTest {

  @TempDir Path root;

  private RegistryServer server;
  private Http http;
  private Pushes pushes;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private void start(RegistryOptions options) throws Exception {
    server = RegistryServer.start(root, options, ServletOptions.defaults());
    http = new Http(server.base());
    pushes = new Pushes(http);
  }

  private void start() throws Exception {
    start(RegistryOptions.defaults());
  }

  /** Pushes one small image and points every tag at it. */
  private void tag(String repository, String... tags) throws Exception {
    Pushes.Manifest image = pushes.image(repository, tags[0], "image");
    for (int i = 1; i < tags.length; i++) {
      pushes.manifest(repository, tags[i], OCI_MANIFEST, image.content());
    }
  }

  @Test
  void tagsAreListedInLexicalOrderWithTheRepositoryName() throws Exception {
    start();
    tag("os/ubuntu", "latest", "22.04", "20.04", "24.10", "1");

    HttpResponse<byte[]> response = http.get("/v2/os/ubuntu/tags/list");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"name\":\"os/ubuntu\",\"tags\":[\"1\",\"20.04\",\"22.04\",\"24.10\",\"latest\"]}");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "content-type", "content-length", "docker-distribution-api-version");
  }

  /**
   * distribution-spec, listing tags: "the tags MUST be in lexical order (i.e. case-insensitive
   * alphanumeric order)".
   */
  @Test
  void tagsAreListedInCaseInsensitiveOrder() throws Exception {
    start();
    tag("os/ubuntu", "b", "A", "a2", "C");

    HttpResponse<byte[]> response = http.get("/v2/os/ubuntu/tags/list");

    assertThat(tags(response)).containsExactly("A", "a2", "b", "C");
  }

  @Test
  void pageOfTwoHasLinkToTheNextPage() throws Exception {
    start();
    tag("os/ubuntu", "a", "b", "c", "d", "e");

    HttpResponse<byte[]> response = http.get("/v2/os/ubuntu/tags/list?n=2");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(tags(response)).containsExactly("a", "b");
    assertThat(response.headers().allValues("Link"))
        .containsExactly("</v2/os/ubuntu/tags/list?n=2&last=b>; rel=\"next\"");
  }

  @Test
  void followingLinksWalksEveryTagOnceInOrder() throws Exception {
    start();
    tag("os/ubuntu", "e", "d", "c", "b", "a");

    List<String> seen = new ArrayList<>();
    String next = "/v2/os/ubuntu/tags/list?n=2";
    int pages = 0;
    while (next != null) {
      HttpResponse<byte[]> page = http.get(next);
      assertThat(page.statusCode()).isEqualTo(200);
      seen.addAll(tags(page));
      next = Pushes.nextLink(page);
      pages++;
      assertThat(pages).isLessThanOrEqualTo(5);
    }

    assertThat(seen).containsExactly("a", "b", "c", "d", "e");
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void lastPageHasNoLink() throws Exception {
    start();
    tag("os/ubuntu", "a", "b", "c", "d");

    HttpResponse<byte[]> exact = http.get("/v2/os/ubuntu/tags/list?n=2&last=b");
    HttpResponse<byte[]> larger = http.get("/v2/os/ubuntu/tags/list?n=10");
    HttpResponse<byte[]> whole = http.get("/v2/os/ubuntu/tags/list");

    assertThat(tags(exact)).containsExactly("c", "d");
    assertThat(exact.headers().firstValue("Link")).isEmpty();
    assertThat(tags(larger)).containsExactly("a", "b", "c", "d");
    assertThat(larger.headers().firstValue("Link")).isEmpty();
    assertThat(whole.headers().firstValue("Link")).isEmpty();
  }

  @Test
  void zeroNReturnsAnEmptyListWithoutLink() throws Exception {
    start();
    tag("os/ubuntu", "a", "b");

    HttpResponse<byte[]> response = http.get("/v2/os/ubuntu/tags/list?n=0");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(tags(response)).isEmpty();
    assertThat(response.headers().firstValue("Link")).isEmpty();
  }

  @Test
  void lastAloneReturnsEveryTagAfterIt() throws Exception {
    start();
    tag("os/ubuntu", "a", "b", "c", "d");

    HttpResponse<byte[]> after = http.get("/v2/os/ubuntu/tags/list?last=b");
    HttpResponse<byte[]> between = http.get("/v2/os/ubuntu/tags/list?last=bb");
    HttpResponse<byte[]> beyond = http.get("/v2/os/ubuntu/tags/list?last=z");

    assertThat(tags(after)).containsExactly("c", "d");
    assertThat(after.headers().firstValue("Link")).isEmpty();
    assertThat(tags(between)).containsExactly("c", "d");
    assertThat(tags(beyond)).isEmpty();
  }

  @Test
  void unknownRepositoryReturns404NameUnknown() throws Exception {
    start();

    HttpResponse<byte[]> response = http.get("/v2/os/nothing/tags/list");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("NAME_UNKNOWN");
  }

  @Test
  void repositoryWithoutTagsListsAnEmptyArray() throws Exception {
    start();
    pushes.blob("os/blobs-only", "content");
    Pushes.Manifest image = pushes.image("os/untagged", "v1", "x");
    http.delete("/v2/os/untagged/manifests/v1");

    HttpResponse<byte[]> blobsOnly = http.get("/v2/os/blobs-only/tags/list");
    HttpResponse<byte[]> untagged = http.get("/v2/os/untagged/tags/list");

    assertThat(blobsOnly.statusCode()).isEqualTo(200);
    assertThat(new String(blobsOnly.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"name\":\"os/blobs-only\",\"tags\":[]}");
    assertThat(untagged.statusCode()).isEqualTo(200);
    assertThat(tags(untagged)).isEmpty();
    assertThat(http.get("/v2/os/untagged/manifests/" + image.digest()).statusCode()).isEqualTo(200);
  }

  @Test
  void tagsOfAParentRepositoryDoNotIncludeItsChildren() throws Exception {
    start();
    tag("os", "parent");
    tag("os/child", "child");

    assertThat(tags(http.get("/v2/os/tags/list"))).containsExactly("parent");
    assertThat(tags(http.get("/v2/os/child/tags/list"))).containsExactly("child");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "-1", "1.5", "", "+1", "0x10", "1e3", " 1"})
  void nonNumericOrNegativeNReturns400WithASpecCode(String n) throws Exception {
    start();
    tag("os/ubuntu", "a");

    HttpResponse<byte[]> tags = http.get("/v2/os/ubuntu/tags/list?n=" + encode(n));
    HttpResponse<byte[]> catalog = http.get("/v2/_catalog?n=" + encode(n));

    assertThat(tags.statusCode()).as(describe(tags)).isEqualTo(400);
    assertThat(errorCode(tags)).isEqualTo("UNSUPPORTED");
    assertThat(catalog.statusCode()).as(describe(catalog)).isEqualTo(400);
    assertThat(errorCode(catalog)).isEqualTo("UNSUPPORTED");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1000000", "2147483648", "9999999999"})
  void nFarAboveTheCapIsCappedAndLinked(String n) throws Exception {
    start(RegistryOptions.defaults().withMaxPageSize(3));
    tag("os/ubuntu", "a", "b", "c", "d", "e");

    HttpResponse<byte[]> response = http.get("/v2/os/ubuntu/tags/list?n=" + n);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(tags(response)).containsExactly("a", "b", "c");
    assertThat(response.headers().allValues("Link"))
        .containsExactly("</v2/os/ubuntu/tags/list?n=3&last=c>; rel=\"next\"");
    HttpResponse<byte[]> next = http.get(Pushes.nextLink(response));
    assertThat(tags(next)).containsExactly("d", "e");
    assertThat(next.headers().firstValue("Link")).isEmpty();
  }

  @Test
  void listingWithoutNIsCappedAndLinked() throws Exception {
    start(RegistryOptions.defaults().withMaxPageSize(2));
    tag("os/ubuntu", "a", "b", "c");

    HttpResponse<byte[]> response = http.get("/v2/os/ubuntu/tags/list");

    assertThat(tags(response)).containsExactly("a", "b");
    assertThat(response.headers().allValues("Link"))
        .containsExactly("</v2/os/ubuntu/tags/list?n=2&last=b>; rel=\"next\"");
  }

  @Test
  void catalogListsEveryRepositoryIncludingNestedNames() throws Exception {
    start();
    tag("os/ubuntu", "a");
    tag("os", "a");
    tag("apps/web/frontend", "a");
    pushes.blob("blobs/only", "content");

    HttpResponse<byte[]> response = http.get("/v2/_catalog");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"repositories\":[\"apps/web/frontend\",\"blobs/only\",\"os\",\"os/ubuntu\"]}");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Link")).isEmpty();
  }

  @Test
  void catalogOfAnEmptyRegistryIsAnEmptyArray() throws Exception {
    start();

    HttpResponse<byte[]> response = http.get("/v2/_catalog");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"repositories\":[]}");
  }

  @Test
  void catalogPaginatesWithLinkAndLast() throws Exception {
    start();
    tag("a/one", "t");
    tag("a/two", "t");
    tag("b", "t");
    tag("c/three", "t");

    HttpResponse<byte[]> first = http.get("/v2/_catalog?n=2");
    HttpResponse<byte[]> zero = http.get("/v2/_catalog?n=0");
    HttpResponse<byte[]> afterB = http.get("/v2/_catalog?last=b");

    assertThat(repositories(first)).containsExactly("a/one", "a/two");
    assertThat(first.headers().allValues("Link"))
        .containsExactly("</v2/_catalog?n=2&last=a%2Ftwo>; rel=\"next\"");
    HttpResponse<byte[]> second = http.get(Pushes.nextLink(first));
    assertThat(repositories(second)).containsExactly("b", "c/three");
    assertThat(second.headers().firstValue("Link")).isEmpty();
    assertThat(repositories(zero)).isEmpty();
    assertThat(zero.headers().firstValue("Link")).isEmpty();
    assertThat(repositories(afterB)).containsExactly("c/three");
  }

  @Test
  void catalogIsCappedAtThePageSize() throws Exception {
    start(RegistryOptions.defaults().withMaxPageSize(2));
    tag("r1", "t");
    tag("r2", "t");
    tag("r3", "t");

    HttpResponse<byte[]> response = http.get("/v2/_catalog?n=1000000");

    assertThat(repositories(response)).containsExactly("r1", "r2");
    assertThat(response.headers().allValues("Link"))
        .containsExactly("</v2/_catalog?n=2&last=r2>; rel=\"next\"");
    List<String> all = new ArrayList<>();
    String next = "/v2/_catalog?n=1000000";
    while (next != null) {
      HttpResponse<byte[]> page = http.get(next);
      all.addAll(repositories(page));
      next = Pushes.nextLink(page);
    }
    assertThat(all).containsExactly("r1", "r2", "r3");
  }

  private static List<String> tags(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    JsonNode body = Pushes.json(response);
    assertThat(fieldNames(body)).containsExactly("name", "tags");
    List<String> tags = new ArrayList<>();
    body.get("tags").forEach(tag -> tags.add(tag.asText()));
    return tags;
  }

  private static List<String> repositories(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    JsonNode body = Pushes.json(response);
    assertThat(fieldNames(body)).containsExactly("repositories");
    List<String> names = new ArrayList<>();
    body.get("repositories").forEach(name -> names.add(name.asText()));
    return names;
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
