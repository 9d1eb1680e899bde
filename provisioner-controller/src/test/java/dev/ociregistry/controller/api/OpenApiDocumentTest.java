package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/openapi.json}: the reference is served as the file in the repository, is a
 * well-formed OpenAPI 3.1 document whose schemas the test's check applies in full, and every
 * operation it lists is one the API routes. ({@code ApiReferenceIT} checks every operation and
 * status against the jar.)
 */
class OpenApiDocumentTest {
  private static final Path SOURCE =
      Path.of("src/main/resources/dev/ociregistry/controller/api/openapi.json");

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
  void theReferenceIsServedAsJsonByteForByteAsTheFileInTheRepository() throws Exception {
    Response served = http.get("/api/v1/openapi.json");

    assertThat(served.status()).isEqualTo(200);
    assertThat(served.header("Content-Type")).hasValue("application/json");
    assertThat(served.body()).isEqualTo(Files.readAllBytes(SOURCE));
    assertThat(served.body()).isEqualTo(ApiReference.shippedBytes());
    Response head = http.head("/api/v1/openapi.json");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Length")).hasValue(String.valueOf(served.body().length));
  }

  @Test
  void otherMethodsOnTheReferenceAnswer405InTheApisErrorShape() throws Exception {
    Response refused = Api.send(http, "POST", "/api/v1/openapi.json", "{}");

    Api.assertError(refused, 405, null, "method POST is not allowed here; allowed: GET, HEAD");
    assertThat(refused.header("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void theDocumentIsOpenApi31WithResolvableRefsAndOnlyCheckedSchemaKeywords() {
    ApiReference reference = ApiReference.shipped();
    JsonNode document = reference.document();

    assertThat(document.get("openapi").asText()).startsWith("3.1.");
    assertThat(document.at("/info/title").asText()).isNotBlank();
    assertThat(reference.documentProblems()).isEmpty();
    assertThat(reference.operations())
        .extracting(ApiReference.Operation::id)
        .containsExactlyInAnyOrder(
            "getApiReference",
            "listRecipes",
            "createRecipe",
            "getRecipe",
            "putRecipe",
            "deleteRecipe",
            "listJobs",
            "createJob",
            "getJob",
            "updateJobStatus",
            "listArtifacts",
            "getTask");
  }

  @Test
  void everyOperationNeedsHttpBasicAndNoneOverridesIt() throws Exception {
    JsonNode document = ApiReference.shipped().document();

    assertThat(document.at("/components/securitySchemes/basic/type").asText()).isEqualTo("http");
    assertThat(document.at("/components/securitySchemes/basic/scheme").asText()).isEqualTo("basic");
    assertThat(document.at("/components/securitySchemes/basic/description").asText())
        .contains("REGISTRY_AUTH_MODE=none", "No operation allows anonymous access");
    assertThat(document.get("security")).isEqualTo(Api.JSON.readTree("[{\"basic\": []}]"));
    for (ApiReference.Operation operation : ApiReference.shipped().operations()) {
      assertThat(operation.node().has("security")).as(operation.id()).isFalse();
    }
  }

  @Test
  void everyPathAnswersAMethodItDoesNotTake405WithTheDocumentsMethodsAsAllow() throws Exception {
    ApiReference reference = ApiReference.shipped();
    List<String> problems = new ArrayList<>();

    for (ApiReference.Operation operation : reference.operations()) {
      String path = filled(operation.path());
      List<String> allowed = reference.allowed(operation.id());
      for (String method : List.of("DELETE", "PATCH", "GET", "HEAD", "OPTIONS")) {
        if (allowed.contains(method)) {
          continue;
        }
        Response refused = Api.send(http, method, path, null);
        problems.addAll(reference.problems(operation.id(), refused));
        assertThat(refused.status()).as(method + " " + path).isEqualTo(405);
        assertThat(refused.header("Allow"))
            .as(method + " " + path)
            .hasValue(String.join(", ", allowed));
      }
    }

    assertThat(problems).isEmpty();
  }

  @Test
  void pathsNoOperationHasAnswer404AsTheSharedUnknownPath() throws Exception {
    ApiReference reference = ApiReference.shipped();
    List<String> problems = new ArrayList<>();

    for (String path :
        List.of(
            "/api/v1",
            "/api/v1/",
            "/api/v1/nothing",
            "/api/v1/recipes/a/b",
            "/api/v1/jobs/",
            "/api/v1/oci/artifacts/x",
            "/media/tasks/x/other.json")) {
      for (String method : List.of("GET", "HEAD", "DELETE", "POST")) {
        Response response = Api.send(http, method, path, method.equals("POST") ? "{}" : null);
        problems.addAll(reference.sharedProblems("UnknownPath", response));
        assertThat(response.status()).as(method + " " + path).isEqualTo(404);
      }
    }

    assertThat(problems).isEmpty();
    assertThat(reference.notProduced()).doesNotContain("#/components/responses/UnknownPath");
  }

  @Test
  void theDocumentExplainsTaskTargetAndTargetDisk() {
    JsonNode schemas = ApiReference.shipped().document().at("/components/schemas");

    for (String schema : List.of("RecipeInput", "Recipe", "Task")) {
      assertThat(schemas.at("/" + schema + "/properties/task_target/description").asText())
          .as(schema)
          .contains("systemd target", "maintenance OS");
      assertThat(schemas.at("/" + schema + "/properties/target_disk/description").asText())
          .as(schema)
          .contains("block device", "everything on it is lost");
    }
  }

  @Test
  void everyDocumentedOperationIsRoutedAndAnswersADocumentedStatusAndShape() throws Exception {
    ApiReference reference = ApiReference.shipped();
    List<String> problems = new ArrayList<>();

    for (ApiReference.Operation operation : reference.operations()) {
      String path = filled(operation.path());
      String body = List.of("POST", "PUT").contains(operation.method()) ? "{}" : null;
      Response response = Api.send(http, operation.method(), path, body);
      problems.addAll(reference.problems(operation.id(), response));
      assertThat(response.status()).as(operation.id()).isNotIn(405, 500);
    }

    assertThat(problems).isEmpty();
  }

  /** {@code path} with an unknown recipe name and job id for its parameters. */
  private static String filled(String path) {
    Map<String, String> parameters =
        Map.of("name", "no-such-recipe", "id", "00000000-0000-0000-0000-000000000000");
    String filled = path;
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      filled = filled.replace("{" + parameter.getKey() + "}", parameter.getValue());
    }
    return filled;
  }
}
