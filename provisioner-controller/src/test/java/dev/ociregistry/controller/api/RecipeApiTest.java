package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /api/v1/recipes}: the routes, their errors, validation and {@code oci_url} checks. */
class RecipeApiTest {
  private static final String PUBLIC_HOST = "registry.example.com:5000";
  private static final String UBUNTU = "os-images/ubuntu-rootfs:22.04";

  @TempDir Path root;

  private ApiTestServer server;
  private TestHttp http;
  private Images.Image ubuntu;

  @BeforeEach
  void start() throws Exception {
    server = ApiTestServer.start(root, true, List.of(PUBLIC_HOST));
    http = server.http();
    ubuntu = Images.push(server.registry(), "os-images/ubuntu-rootfs", "22.04", "rootfs");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void createAnswers201WithLocationAndTheRecipeAsGiven() throws Exception {
    ObjectNode recipe = Recipes.linux("ubuntu", UBUNTU);

    Response created = http.postJson("/api/v1/recipes", recipe.toString());

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).hasValue("/api/v1/recipes/ubuntu");
    assertThat(created.header("Content-Type")).hasValue("application/json");
    assertThat(created.json()).isEqualTo(Api.JSON.readTree(recipe.toString()));
    Response fetched = http.get("/api/v1/recipes/ubuntu");
    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.json()).isEqualTo(created.json());
  }

  @Test
  void cloudInitIsKeptExactlyIncludingNumberSpelling() throws Exception {
    String body =
        Recipes.linux("ubuntu", UBUNTU).toString().replace("\"ratio\":1.5", "\"ratio\":1.50");

    assertThat(http.postJson("/api/v1/recipes", body).status()).isEqualTo(201);
    assertThat(http.get("/api/v1/recipes/ubuntu").text()).contains("\"ratio\":1.50");
  }

  @Test
  void windowsRecipeWithUnattendXmlRoundTrips() throws Exception {
    ObjectNode recipe = Recipes.windows("windows-2022", "docker.io/library/windows:2022");

    Response created = http.postJson("/api/v1/recipes", recipe.toString());

    assertThat(created.status()).isEqualTo(201);
    assertThat(http.get("/api/v1/recipes/windows-2022").json())
        .isEqualTo(Api.JSON.readTree(recipe.toString()));
  }

  @Test
  void createWithATakenNameAnswers409NamingNameAndKeepsTheFirst() throws Exception {
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", UBUNTU).toString());
    ObjectNode second = Recipes.linux("ubuntu", UBUNTU).put("target_disk", "/dev/nvme0n1");

    Response conflict = http.postJson("/api/v1/recipes", second.toString());

    assertThat(conflict.status()).isEqualTo(409);
    assertThat(Api.errorField(conflict)).isEqualTo("name");
    assertThat(http.get("/api/v1/recipes/ubuntu").json().get("target_disk").asText())
        .isEqualTo("/dev/sda");
  }

  @Test
  void listIsSortedByNameAndWrapped() throws Exception {
    for (String name : List.of("rocky", "alma", "ubuntu")) {
      assertThat(http.postJson("/api/v1/recipes", Recipes.linux(name, UBUNTU).toString()).status())
          .isEqualTo(201);
    }

    Response list = http.get("/api/v1/recipes");

    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().get("recipes"))
        .extracting(recipe -> recipe.get("name").asText())
        .containsExactly("alma", "rocky", "ubuntu");
  }

  @Test
  void emptyListIsAnEmptyArray() throws Exception {
    assertThat(http.get("/api/v1/recipes").json().toString()).isEqualTo("{\"recipes\":[]}");
  }

  @Test
  void putReplacesAnExistingRecipeAndAnswers200() throws Exception {
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", UBUNTU).toString());
    ObjectNode replacement = Recipes.windows("ubuntu", "docker.io/library/windows:2022");

    Response replaced = http.putJson("/api/v1/recipes/ubuntu", replacement.toString());

    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.header("Location")).isEmpty();
    JsonNode stored = http.get("/api/v1/recipes/ubuntu").json();
    assertThat(stored.has("cloud_init")).isFalse();
    assertThat(stored.get("unattend_xml").asText()).startsWith("<unattend");
  }

  @Test
  void putOfANewNameCreatesItAndAnswers201WithLocation() throws Exception {
    Response created =
        http.putJson("/api/v1/recipes/fresh", Recipes.linux("fresh", UBUNTU).toString());

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).hasValue("/api/v1/recipes/fresh");
    assertThat(http.get("/api/v1/recipes/fresh").status()).isEqualTo(200);
  }

  @Test
  void putWithoutANameInTheBodyTakesTheUrlsName() throws Exception {
    ObjectNode recipe = Recipes.linux("ignored", UBUNTU);
    recipe.remove("name");

    Response created = http.putJson("/api/v1/recipes/from-url", recipe.toString());

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("name").asText()).isEqualTo("from-url");
  }

  @Test
  void putWhoseBodyNamesAnotherRecipeAnswers400NamingName() throws Exception {
    Response response =
        http.putJson("/api/v1/recipes/ubuntu", Recipes.linux("debian", UBUNTU).toString());

    assertThat(response.status()).isEqualTo(400);
    assertThat(Api.errorField(response)).isEqualTo("name");
    assertThat(http.get("/api/v1/recipes/ubuntu").status()).isEqualTo(404);
  }

  @Test
  void putToAnInvalidNameAnswers400NamingName() throws Exception {
    ObjectNode recipe = Recipes.linux("x", UBUNTU);
    recipe.remove("name");

    Response response = http.putJson("/api/v1/recipes/Not_Valid", recipe.toString());

    assertThat(response.status()).isEqualTo(400);
    assertThat(Api.errorField(response)).isEqualTo("name");
  }

  @Test
  void deleteAnswers204AndTheRecipeIsGone() throws Exception {
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", UBUNTU).toString());

    Response deleted = http.delete("/api/v1/recipes/ubuntu");

    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertThat(http.get("/api/v1/recipes/ubuntu").status()).isEqualTo(404);
    assertThat(http.delete("/api/v1/recipes/ubuntu").status()).isEqualTo(404);
  }

  @Test
  void unknownRecipeAnswers404WithJsonErrorAndNullField() throws Exception {
    Response missing = http.get("/api/v1/recipes/nothing");

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("Content-Type")).hasValue("application/json");
    assertThat(missing.json().get("error").has("field")).isTrue();
    assertThat(Api.errorField(missing)).isNull();
    assertThat(Api.errorMessage(missing)).contains("nothing");
  }

  @Test
  void headAnswersTheHeadersOfGetWithoutABody() throws Exception {
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", UBUNTU).toString());
    Response get = http.get("/api/v1/recipes/ubuntu");

    Response head = http.head("/api/v1/recipes/ubuntu");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Length")).hasValue(String.valueOf(get.body().length));
  }

  @Test
  void unknownPathsAnswer404() throws Exception {
    for (String path :
        List.of(
            "/api/v1",
            "/api/v1/",
            "/api/v1/nothing",
            "/api/v1/recipes/",
            "/api/v1/recipes/ubuntu/extra",
            "/api/v1/jobs/x/y",
            "/api/v1/oci",
            "/api/v1/oci/artifacts/more")) {
      Response response = http.get(path);
      assertThat(response.status()).as(path).isEqualTo(404);
      assertThat(Api.errorMessage(response)).as(path).isNotEmpty();
    }
  }

  @Test
  void wrongMethodsAnswer405WithAllow() throws Exception {
    record Case(String method, String path, String allow) {}
    for (Case c :
        List.of(
            new Case("DELETE", "/api/v1/recipes", "GET, HEAD, POST"),
            new Case("POST", "/api/v1/recipes/ubuntu", "DELETE, GET, HEAD, PUT"),
            new Case("PUT", "/api/v1/jobs", "GET, HEAD, POST"),
            new Case("DELETE", "/api/v1/jobs/00000000-0000-0000-0000-000000000000", "GET, HEAD"),
            new Case("GET", "/api/v1/jobs/00000000-0000-0000-0000-000000000000/status", "POST"),
            new Case("PATCH", "/api/v1/recipes", "GET, HEAD, POST"))) {
      Response response = Api.send(http, c.method(), c.path(), null);
      assertThat(response.status()).as(c.toString()).isEqualTo(405);
      assertThat(response.header("Allow")).as(c.toString()).hasValue(c.allow());
      assertThat(Api.errorMessage(response)).as(c.toString()).contains(c.method());
    }
  }

  @Test
  void bodiesThatAreNotOneJsonObjectAnswer400WithNullField() throws Exception {
    for (String body :
        List.of(
            "",
            "not json",
            "[1, 2]",
            "\"text\"",
            "{\"name\": \"a\"} trailing",
            "{\"name\": \"a\", \"name\": \"b\"}",
            "{\"name\": ")) {
      Response response = http.postJson("/api/v1/recipes", body);
      assertThat(response.status()).as(body).isEqualTo(400);
      assertThat(Api.errorField(response)).as(body).isNull();
    }
  }

  @Test
  void bodyOverOneMebibyteAnswers413() throws Exception {
    ObjectNode recipe = Recipes.windows("big", "docker.io/library/windows:2022");
    recipe.put("unattend_xml", "x".repeat(ApiJson.MAX_BODY_BYTES + 1));

    Response response = http.postJson("/api/v1/recipes", recipe.toString());

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.header("Connection"))
        .as("the body was read, so the connection stays open for the client's next request")
        .isEmpty();
    assertThat(http.get("/api/v1/recipes/big").status()).isEqualTo(404);
  }

  static Stream<Arguments> invalidRecipes() {
    return Stream.of(
        invalid("name", r -> r.remove("name")),
        invalid("name", r -> r.put("name", "Ubuntu 22")),
        invalid("name", r -> r.put("name", "-leading-dash")),
        invalid("name", r -> r.put("name", "a".repeat(65))),
        invalid("name", r -> r.put("name", 7)),
        invalid("task_target", r -> r.remove("task_target")),
        invalid("task_target", r -> r.put("task_target", "")),
        invalid("task_target", r -> r.put("task_target", 42)),
        invalid("target_disk", r -> r.remove("target_disk")),
        invalid("target_disk", r -> r.put("target_disk", "/dev/sda\n")),
        invalid("target_disk", r -> r.putNull("target_disk")),
        invalid("oci_url", r -> r.remove("oci_url")),
        invalid("oci_url", r -> r.put("oci_url", 5)),
        invalid("oci_url", r -> r.put("oci_url", "os-images/ubuntu-rootfs")),
        invalid("oci_url", r -> r.put("oci_url", "http://controller/os-images/ubuntu:1")),
        invalid("partitions", r -> r.remove("partitions")),
        invalid("partitions", r -> r.putArray("partitions")),
        invalid("partitions", r -> r.put("partitions", "/ 10G")),
        invalid("partitions[0]", r -> r.putArray("partitions").add(5)),
        invalid("partitions[0].mount", r -> r.putArray("partitions").addObject().put("size", "1G")),
        invalid("partitions[0].size", r -> r.putArray("partitions").addObject().put("mount", "/")),
        invalid("partitions[1].size", r -> partition(r, 1).put("size", "lots")),
        invalid("partitions[1].size", r -> partition(r, 1).put("size", 10)),
        invalid("partitions[0].fstype", r -> partition(r, 0).put("fstype", "ext 4")),
        invalid("partitions[0].label", r -> partition(r, 0).put("label", "EFI")),
        invalid("partitions[1].mount", r -> partition(r, 1).put("mount", "/boot/efi")),
        invalid("cloud_init", r -> r.put("cloud_init", "#cloud-config")),
        invalid("unattend_xml", r -> r.put("unattend_xml", 5)),
        invalid("unattend_xml", r -> r.put("unattend_xml", "<unattend/>")),
        invalid("colour", r -> r.put("colour", "blue")),
        invalid("task_targt", r -> r.put("task_targt", "typo")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRecipes")
  void invalidRecipeAnswers400NamingTheField(String field, Consumer<ObjectNode> change)
      throws Exception {
    ObjectNode recipe = Recipes.linux("ubuntu", UBUNTU);
    change.accept(recipe);

    Response response = http.postJson("/api/v1/recipes", recipe.toString());

    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(Api.errorField(response)).isEqualTo(field);
    assertThat(Api.errorMessage(response)).isNotBlank();
    assertThat(http.get("/api/v1/recipes").json().get("recipes")).isEmpty();
  }

  @Test
  void ociUrlWithoutHostMustNameAnExistingManifestElse422NamingRepositoryAndTag() throws Exception {
    Response missingTag =
        http.postJson(
            "/api/v1/recipes", Recipes.linux("a", "os-images/ubuntu-rootfs:24.04").toString());
    Response missingRepository =
        http.postJson("/api/v1/recipes", Recipes.linux("b", "os-images/nothing:22.04").toString());
    String absent = "sha256:" + "0".repeat(64);
    Response missingDigest =
        http.postJson(
            "/api/v1/recipes", Recipes.linux("c", "os-images/ubuntu-rootfs@" + absent).toString());

    Api.assertError(
        missingTag,
        422,
        "oci_url",
        "oci_url os-images/ubuntu-rootfs:24.04 points at this registry, but repository"
            + " os-images/ubuntu-rootfs holds no tag 24.04",
        Api.missingTag("os-images/ubuntu-rootfs:24.04", "os-images/ubuntu-rootfs", "24.04"));
    Api.assertError(
        missingRepository,
        422,
        "oci_url",
        "oci_url os-images/nothing:22.04 points at this registry, but repository"
            + " os-images/nothing holds no tag 22.04",
        Api.missingTag("os-images/nothing:22.04", "os-images/nothing", "22.04"));
    Map<String, String> digestDetail = new LinkedHashMap<>();
    digestDetail.put("oci_url", "os-images/ubuntu-rootfs@" + absent);
    digestDetail.put("repository", "os-images/ubuntu-rootfs");
    digestDetail.put("digest", absent);
    Api.assertError(
        missingDigest,
        422,
        "oci_url",
        "oci_url os-images/ubuntu-rootfs@"
            + absent
            + " points at this registry, but repository os-images/ubuntu-rootfs holds no manifest "
            + absent,
        digestDetail);
    assertThat(http.get("/api/v1/recipes").json().get("recipes")).isEmpty();
  }

  @Test
  void ociUrlByDigestOfAnExistingManifestIsAccepted() throws Exception {
    Response created =
        http.postJson(
            "/api/v1/recipes",
            Recipes.linux("pinned", "os-images/ubuntu-rootfs@" + ubuntu.digest()).toString());

    assertThat(created.status()).isEqualTo(201);
  }

  @Test
  void ociUrlWithADigestAlgorithmThisRegistryLacksAnswers400() throws Exception {
    Response response =
        http.postJson(
            "/api/v1/recipes",
            Recipes.linux("a", "os-images/ubuntu-rootfs@sha384:" + "ab".repeat(48)).toString());

    assertThat(response.status()).isEqualTo(400);
    assertThat(Api.errorField(response)).isEqualTo("oci_url");
  }

  @Test
  void ociUrlWithTheRequestsHostPointsHereAndMustResolve() throws Exception {
    String host = server.hostPort();

    Response good =
        http.postJson("/api/v1/recipes", Recipes.linux("good", host + "/" + UBUNTU).toString());
    Response bad =
        http.postJson(
            "/api/v1/recipes",
            Recipes.linux("bad", host + "/os-images/ubuntu-rootfs:nope").toString());

    assertThat(good.status()).isEqualTo(201);
    assertThat(good.json().get("oci_url").asText()).isEqualTo(host + "/" + UBUNTU);
    assertThat(bad.status()).isEqualTo(422);
    assertThat(Api.errorField(bad)).isEqualTo("oci_url");
  }

  @Test
  void ociUrlWithAPublicHostPointsHereAndMustResolve() throws Exception {
    Response good =
        http.postJson(
            "/api/v1/recipes", Recipes.linux("good", PUBLIC_HOST + "/" + UBUNTU).toString());
    Response bad =
        http.postJson(
            "/api/v1/recipes",
            Recipes.linux("bad", "REGISTRY.example.com:5000/os-images/ubuntu-rootfs:nope")
                .toString());

    assertThat(good.status()).isEqualTo(201);
    assertThat(bad.status()).isEqualTo(422);
    assertThat(Api.errorField(bad)).isEqualTo("oci_url");
  }

  @Test
  void ociUrlOfAnotherRegistryIsStoredAsGivenWithoutLookingItUp() throws Exception {
    String external = "registry.example.com/os-images/ubuntu-rootfs:never-pushed";

    Response created = http.postJson("/api/v1/recipes", Recipes.linux("ext", external).toString());

    assertThat(created.status()).isEqualTo(201);
    assertThat(http.get("/api/v1/recipes/ext").json().get("oci_url").asText()).isEqualTo(external);
  }

  private static Arguments invalid(String field, Consumer<ObjectNode> change) {
    return Arguments.of(field, change);
  }

  private static ObjectNode partition(ObjectNode recipe, int index) {
    return (ObjectNode) recipe.get("partitions").get(index);
  }
}
