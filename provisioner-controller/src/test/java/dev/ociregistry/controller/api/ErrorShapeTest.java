package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One error shape across {@code /api/v1} and {@code task.json}, exactly {@code {"error": {"field",
 * "message"}}} (with {@code detail} only where an error has named values), whatever refused the
 * request; and the artifacts listing's own, exactly {@code {"success": false, "error"}}, for every
 * error on its path, chosen by the path alone.
 */
class ErrorShapeTest {
  private static final String TOO_LARGE =
      "{\"namespace\": \"" + "x".repeat(ApiJson.MAX_BODY_BYTES) + "\"}";

  @TempDir Path root;

  private ApiTestServer server;
  private TestHttp http;

  @BeforeEach
  void start() throws Exception {
    server = ApiTestServer.start(root);
    http = server.http();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void everyKindOfApiErrorHasExactlyTheOneShape() throws Exception {
    Api.assertError(
        http.postJson("/api/v1/recipes", "[]"), 400, null, "the body must be a JSON object");
    Api.assertError(
        http.postJson("/api/v1/jobs", "{\"recipe\": \"r\"}"), 400, "server", "server is required");
    Api.assertError(http.get("/api/v1/recipes/nothing"), 404, null, "no recipe named nothing");
    Api.assertError(http.get("/api/v1/nothing"), 404, null, "no such endpoint: /api/v1/nothing");
    Response wrongMethod = Api.send(http, "DELETE", "/api/v1/recipes", null);
    Api.assertError(
        wrongMethod, 405, null, "method DELETE is not allowed here; allowed: GET, HEAD, POST");
    assertThat(wrongMethod.header("Allow")).hasValue("GET, HEAD, POST");
    Api.assertError(
        http.postJson("/api/v1/recipes", TOO_LARGE),
        413,
        null,
        "the body is larger than " + ApiJson.MAX_BODY_BYTES + " bytes");
    Api.assertError(
        http.postJson("/api/v1/recipes", Recipes.linux("a", "os-images/a:1").toString()),
        422,
        "oci_url",
        "oci_url os-images/a:1 points at this registry, but repository os-images/a holds no tag 1",
        Api.missingTag("os-images/a:1", "os-images/a", "1"));
  }

  @Test
  void taskJsonErrorsHaveTheApisShape() throws Exception {
    String id = "00000000-0000-0000-0000-000000000000";

    Api.assertError(http.get("/media/tasks/" + id + "/task.json"), 404, null, "no job " + id);
    Api.assertError(
        http.get("/media/tasks/" + id + "/other"),
        404,
        null,
        "no such endpoint: /media/tasks/" + id + "/other");
  }

  @Test
  void everyErrorOfTheArtifactsListingHasTheListingsShape() throws Exception {
    Api.assertListingError(
        http.postJson("/api/v1/oci/artifacts", "{}"), 400, "namespace is required");
    Api.assertListingError(
        http.postJson("/api/v1/oci/artifacts", "{\"namespace\": \"kcl\", \"limit\": 3}"),
        400,
        "unknown field limit; known fields are namespace");
    Response wrongMethod = http.get("/api/v1/oci/artifacts");
    Api.assertListingError(wrongMethod, 405, "method GET is not allowed here; allowed: POST");
    assertThat(wrongMethod.header("Allow")).hasValue("POST");
    Api.assertListingError(
        http.postJson("/api/v1/oci/artifacts", TOO_LARGE),
        413,
        "the body is larger than " + ApiJson.MAX_BODY_BYTES + " bytes");
  }

  @Test
  void theShapeFollowsThePathSoANeighbourOfTheListingHasTheApisShape() throws Exception {
    Api.assertError(
        http.postJson("/api/v1/oci/artifacts/", "{}"),
        404,
        null,
        "no such endpoint: /api/v1/oci/artifacts/");
  }
}
