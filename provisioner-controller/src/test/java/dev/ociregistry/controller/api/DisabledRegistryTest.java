package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API with ENABLE_REGISTRY=false: no registry to resolve, pin or list. */
class DisabledRegistryTest {
  @TempDir Path root;

  private ApiTestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void localOciUrlIsCheckedForSyntaxOnlyAndJobsGetNoDigest() throws Exception {
    server = ApiTestServer.start(root, false, List.of());
    TestHttp http = server.http();

    Response recipe =
        http.postJson(
            "/api/v1/recipes", Recipes.linux("ubuntu", "os-images/ubuntu:22.04").toString());
    Response badDigest =
        http.postJson(
            "/api/v1/recipes",
            Recipes.linux("bad", "os-images/ubuntu@sha384:" + "ab".repeat(48)).toString());
    Response job =
        http.postJson("/api/v1/jobs", "{\"recipe\": \"ubuntu\", \"server\": \"server01\"}");

    assertThat(recipe.status()).isEqualTo(201);
    assertThat(badDigest.status()).isEqualTo(400);
    assertThat(Api.errorField(badDigest)).isEqualTo("oci_url");
    assertThat(job.status()).isEqualTo(201);
    assertThat(job.json().get("artifact").get("digest").isNull()).isTrue();
    assertThat(job.json().get("artifact").get("pinned").asBoolean()).isFalse();
    assertThat(job.json().get("artifact").get("reason").asText())
        .isEqualTo(
            "the oci_url points at this registry, but the embedded registry is disabled"
                + " (ENABLE_REGISTRY=false), so the job pins nothing");
    JsonNode task = http.get("/media/tasks/" + job.json().get("id").asText() + "/task.json").json();
    assertThat(task.get("artifact").get("blobs")).isEmpty();
  }

  @Test
  void artifactsListingAnswers503WithSuccessFalse() throws Exception {
    server = ApiTestServer.start(root, false, List.of());

    Response response = server.http().postJson("/api/v1/oci/artifacts", "{\"namespace\": \"kcl\"}");

    Api.assertListingError(
        response, 503, "the embedded registry is disabled (ENABLE_REGISTRY=false)");
  }

  @Test
  void taskOfAJobPinnedBeforeTheRegistryWasDisabledAnswers503() throws Exception {
    server = ApiTestServer.start(root);
    Images.push(server.registry(), "os-images/ubuntu", "22.04", "rootfs");
    server
        .http()
        .postJson("/api/v1/recipes", Recipes.linux("ubuntu", "os-images/ubuntu:22.04").toString());
    String id =
        server
            .http()
            .postJson("/api/v1/jobs", "{\"recipe\": \"ubuntu\", \"server\": \"server01\"}")
            .json()
            .get("id")
            .asText();
    server.close();

    server = ApiTestServer.start(root, false, List.of());
    Response task = server.http().get("/media/tasks/" + id + "/task.json");

    assertThat(task.status()).isEqualTo(503);
    assertThat(server.http().get("/api/v1/jobs/" + id).status()).isEqualTo(200);
  }
}
