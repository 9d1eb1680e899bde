package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Responses.describe;
import static dev.ociregistry.servlet.testing.Responses.errorCode;
import static dev.ociregistry.servlet.testing.Responses.fieldNames;
import static dev.ociregistry.servlet.testing.Responses.headerNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.servlet.testing.Responses;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.TestHttp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tag listing (end-8a, end-8b) and the {@code _catalog}, with {@code n}, {@code last} and Link. */
class TagsAndCatalogTest extends RegistryTestBase {
  /** Pushes one small image and points every tag at it. */
  private void tag(String repository, String... tags) throws Exception {
    Manifest image = pusher.image(repository, tags[0], Artifacts.image("image"));
    for (int i = 1; i < tags.length; i++) {
      pusher.manifest(repository, tags[i], image);
    }
  }

  @Test
  void tagsAreListedInLexicalOrderWithTheRepositoryName() throws Exception {
    tag("os/ubuntu", "latest", "22.04", "20.04", "24.10", "1");

    TestHttp.Response response = http.get("/v2/os/ubuntu/tags/list");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text())
        .isEqualTo(
            "{\"name\":\"os/ubuntu\",\"tags\":[\"1\",\"20.04\",\"22.04\",\"24.10\",\"latest\"]}");
    assertThat(response.header("Content-Type")).hasValue("application/json");
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
    tag("os/ubuntu", "b", "A", "a2", "C");

    TestHttp.Response response = http.get("/v2/os/ubuntu/tags/list");

    assertThat(tags(response)).containsExactly("A", "a2", "b", "C");
  }

  @Test
  void pageOfTwoHasLinkToTheNextPage() throws Exception {
    tag("os/ubuntu", "a", "b", "c", "d", "e");

    TestHttp.Response response = http.get("/v2/os/ubuntu/tags/list?n=2");

    assertThat(response.status()).isEqualTo(200);
    assertThat(tags(response)).containsExactly("a", "b");
    assertThat(response.headerValues("Link"))
        .containsExactly("</v2/os/ubuntu/tags/list?n=2&last=b>; rel=\"next\"");
  }

  @Test
  void followingLinksWalksEveryTagOnceInOrder() throws Exception {
    tag("os/ubuntu", "e", "d", "c", "b", "a");

    List<String> seen = new ArrayList<>();
    String next = "/v2/os/ubuntu/tags/list?n=2";
    int pages = 0;
    while (next != null) {
      TestHttp.Response page = http.get(next);
      assertThat(page.status()).isEqualTo(200);
      seen.addAll(tags(page));
      next = Responses.nextLink(page);
      pages++;
      assertThat(pages).isLessThanOrEqualTo(5);
    }

    assertThat(seen).containsExactly("a", "b", "c", "d", "e");
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void lastPageHasNoLink() throws Exception {
    tag("os/ubuntu", "a", "b", "c", "d");

    TestHttp.Response exact = http.get("/v2/os/ubuntu/tags/list?n=2&last=b");
    TestHttp.Response larger = http.get("/v2/os/ubuntu/tags/list?n=10");
    TestHttp.Response whole = http.get("/v2/os/ubuntu/tags/list");

    assertThat(tags(exact)).containsExactly("c", "d");
    assertThat(exact.header("Link")).isEmpty();
    assertThat(tags(larger)).containsExactly("a", "b", "c", "d");
    assertThat(larger.header("Link")).isEmpty();
    assertThat(whole.header("Link")).isEmpty();
  }

  @Test
  void zeroNReturnsAnEmptyListWithoutLink() throws Exception {
    tag("os/ubuntu", "a", "b");

    TestHttp.Response response = http.get("/v2/os/ubuntu/tags/list?n=0");

    assertThat(response.status()).isEqualTo(200);
    assertThat(tags(response)).isEmpty();
    assertThat(response.header("Link")).isEmpty();
  }

  @Test
  void lastAloneReturnsEveryTagAfterIt() throws Exception {
    tag("os/ubuntu", "a", "b", "c", "d");

    TestHttp.Response after = http.get("/v2/os/ubuntu/tags/list?last=b");
    TestHttp.Response between = http.get("/v2/os/ubuntu/tags/list?last=bb");
    TestHttp.Response beyond = http.get("/v2/os/ubuntu/tags/list?last=z");

    assertThat(tags(after)).containsExactly("c", "d");
    assertThat(after.header("Link")).isEmpty();
    assertThat(tags(between)).containsExactly("c", "d");
    assertThat(tags(beyond)).isEmpty();
  }

  @Test
  void unknownRepositoryReturns404NameUnknown() throws Exception {
    TestHttp.Response response = http.get("/v2/os/nothing/tags/list");

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("NAME_UNKNOWN");
  }

  @Test
  void repositoryWithoutTagsListsAnEmptyArray() throws Exception {
    pusher.blob("os/blobs-only", Artifacts.layer("content"));
    Manifest image = pusher.image("os/untagged", "v1", Artifacts.image("x"));
    http.delete("/v2/os/untagged/manifests/v1").expect(202);

    TestHttp.Response blobsOnly = http.get("/v2/os/blobs-only/tags/list");
    TestHttp.Response untagged = http.get("/v2/os/untagged/tags/list");

    assertThat(blobsOnly.status()).isEqualTo(200);
    assertThat(blobsOnly.text()).isEqualTo("{\"name\":\"os/blobs-only\",\"tags\":[]}");
    assertThat(untagged.status()).isEqualTo(200);
    assertThat(tags(untagged)).isEmpty();
    assertThat(http.get("/v2/os/untagged/manifests/" + image.digest()).status()).isEqualTo(200);
  }

  @Test
  void tagsOfAParentRepositoryDoNotIncludeItsChildren() throws Exception {
    tag("os", "parent");
    tag("os/child", "child");

    assertThat(tags(http.get("/v2/os/tags/list"))).containsExactly("parent");
    assertThat(tags(http.get("/v2/os/child/tags/list"))).containsExactly("child");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "-1", "1.5", "", "+1", "0x10", "1e3", " 1"})
  void nonNumericOrNegativeNReturns400WithASpecCode(String n) throws Exception {
    tag("os/ubuntu", "a");

    TestHttp.Response tags = http.get("/v2/os/ubuntu/tags/list?n=" + encode(n));
    TestHttp.Response catalog = http.get("/v2/_catalog?n=" + encode(n));

    assertThat(tags.status()).as(describe(tags)).isEqualTo(400);
    assertThat(errorCode(tags)).isEqualTo("UNSUPPORTED");
    assertThat(catalog.status()).as(describe(catalog)).isEqualTo(400);
    assertThat(errorCode(catalog)).isEqualTo("UNSUPPORTED");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1000000", "2147483648", "9999999999"})
  void nFarAboveTheCapIsCappedAndLinked(String n) throws Exception {
    start(RegistryOptions.defaults().withMaxPageSize(3));
    tag("os/ubuntu", "a", "b", "c", "d", "e");

    TestHttp.Response response = http.get("/v2/os/ubuntu/tags/list?n=" + n);

    assertThat(response.status()).isEqualTo(200);
    assertThat(tags(response)).containsExactly("a", "b", "c");
    assertThat(response.headerValues("Link"))
        .containsExactly("</v2/os/ubuntu/tags/list?n=3&last=c>; rel=\"next\"");
    TestHttp.Response next = http.get(Responses.nextLink(response));
    assertThat(tags(next)).containsExactly("d", "e");
    assertThat(next.header("Link")).isEmpty();
  }

  @Test
  void listingWithoutNIsCappedAndLinked() throws Exception {
    start(RegistryOptions.defaults().withMaxPageSize(2));
    tag("os/ubuntu", "a", "b", "c");

    TestHttp.Response response = http.get("/v2/os/ubuntu/tags/list");

    assertThat(tags(response)).containsExactly("a", "b");
    assertThat(response.headerValues("Link"))
        .containsExactly("</v2/os/ubuntu/tags/list?n=2&last=b>; rel=\"next\"");
  }

  @Test
  void catalogListsEveryRepositoryIncludingNestedNames() throws Exception {
    tag("os/ubuntu", "a");
    tag("os", "a");
    tag("apps/web/frontend", "a");
    pusher.blob("blobs/only", Artifacts.layer("content"));

    TestHttp.Response response = http.get("/v2/_catalog");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text())
        .isEqualTo(
            "{\"repositories\":[\"apps/web/frontend\",\"blobs/only\",\"os\",\"os/ubuntu\"]}");
    assertThat(response.header("Content-Type")).hasValue("application/json");
    assertThat(response.header("Link")).isEmpty();
  }

  @Test
  void catalogOfAnEmptyRegistryIsAnEmptyArray() throws Exception {
    TestHttp.Response response = http.get("/v2/_catalog");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).isEqualTo("{\"repositories\":[]}");
  }

  @Test
  void catalogPaginatesWithLinkAndLast() throws Exception {
    tag("a/one", "t");
    tag("a/two", "t");
    tag("b", "t");
    tag("c/three", "t");

    TestHttp.Response first = http.get("/v2/_catalog?n=2");
    TestHttp.Response zero = http.get("/v2/_catalog?n=0");
    TestHttp.Response afterB = http.get("/v2/_catalog?last=b");

    assertThat(repositories(first)).containsExactly("a/one", "a/two");
    assertThat(first.headerValues("Link"))
        .containsExactly("</v2/_catalog?n=2&last=a%2Ftwo>; rel=\"next\"");
    TestHttp.Response second = http.get(Responses.nextLink(first));
    assertThat(repositories(second)).containsExactly("b", "c/three");
    assertThat(second.header("Link")).isEmpty();
    assertThat(repositories(zero)).isEmpty();
    assertThat(zero.header("Link")).isEmpty();
    assertThat(repositories(afterB)).containsExactly("c/three");
  }

  @Test
  void catalogIsCappedAtThePageSize() throws Exception {
    start(RegistryOptions.defaults().withMaxPageSize(2));
    tag("r1", "t");
    tag("r2", "t");
    tag("r3", "t");

    TestHttp.Response response = http.get("/v2/_catalog?n=1000000");

    assertThat(repositories(response)).containsExactly("r1", "r2");
    assertThat(response.headerValues("Link"))
        .containsExactly("</v2/_catalog?n=2&last=r2>; rel=\"next\"");
    List<String> all = new ArrayList<>();
    String next = "/v2/_catalog?n=1000000";
    while (next != null) {
      TestHttp.Response page = http.get(next);
      all.addAll(repositories(page));
      next = Responses.nextLink(page);
    }
    assertThat(all).containsExactly("r1", "r2", "r3");
  }

  private static List<String> tags(TestHttp.Response response) throws Exception {
    assertThat(response.status()).as(describe(response)).isEqualTo(200);
    JsonNode body = response.json();
    assertThat(fieldNames(body)).containsExactly("name", "tags");
    List<String> tags = new ArrayList<>();
    body.get("tags").forEach(tag -> tags.add(tag.asText()));
    return tags;
  }

  private static List<String> repositories(TestHttp.Response response) throws Exception {
    assertThat(response.status()).as(describe(response)).isEqualTo(200);
    JsonNode body = response.json();
    assertThat(fieldNames(body)).containsExactly("repositories");
    List<String> names = new ArrayList<>();
    body.get("repositories").forEach(name -> names.add(name.asText()));
    return names;
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
