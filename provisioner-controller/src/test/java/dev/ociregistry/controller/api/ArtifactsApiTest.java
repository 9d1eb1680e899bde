package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/oci/artifacts}: the listing of a namespace an orchestrator's package client
 * reads.
 */
class ArtifactsApiTest {
  private static final String CREATED = "org.opencontainers.image.created";

  @TempDir Path root;

  private ApiTestServer server;
  private OciRegistry registry;
  private TestHttp http;

  @BeforeEach
  void start() throws Exception {
    server = ApiTestServer.start(root);
    registry = server.registry();
    http = server.http();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void listsEveryTagOfEveryRepositoryUnderTheNamespaceSortedByNameThenVersion() throws Exception {
    Images.Image core100 =
        push("kcl/provisioning-core", "1.0.0", Map.of(CREATED, "2025-10-06T12:00:00Z"), "core 1");
    Images.Image core090 =
        push("kcl/provisioning-core", "0.9.0", Map.of(CREATED, "2025-09-01T08:30:00+02:00"), "c");
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Images.Image taskserv = push("kcl/extensions/taskserv", "1.28.0", Map.of(), "k8s", "etc");
    Instant after = Instant.now().plusSeconds(1);
    push("kcl", "top-level", Map.of(), "the namespace itself");
    push("kclother/x", "1", Map.of(), "a sibling name");
    push("other/kcl/y", "1", Map.of(), "kcl deeper down");

    Response response = http.postJson("/api/v1/oci/artifacts", "{\"namespace\": \"kcl\"}");

    assertThat(response.status()).isEqualTo(200);
    JsonNode body = response.json();
    assertThat(body.get("success").asBoolean()).isTrue();
    JsonNode data = body.get("data");
    assertThat(data).hasSize(3);
    assertThat(data.get(0).get("name").asText()).isEqualTo("extensions/taskserv");
    assertThat(data.get(0).get("version").asText()).isEqualTo("1.28.0");
    assertThat(data.get(0).get("digest").asText()).isEqualTo(taskserv.digest().toString());
    assertThat(data.get(0).get("size").asLong()).isEqualTo(taskserv.contentSize());
    assertThat(data.get(0).get("media_type").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(Instant.parse(data.get(0).get("created_at").asText())).isBetween(before, after);
    assertThat(data.get(1))
        .isEqualTo(
            Recipes.parse(
                """
                {"name": "provisioning-core", "version": "0.9.0", "digest": "%s", "size": %d,
                 "media_type": "%s", "created_at": "2025-09-01T06:30:00Z"}
                """
                    .formatted(core090.digest(), core090.contentSize(), MediaTypes.OCI_MANIFEST)));
    assertThat(data.get(2))
        .isEqualTo(
            Recipes.parse(
                """
                {"name": "provisioning-core", "version": "1.0.0", "digest": "%s", "size": %d,
                 "media_type": "%s", "created_at": "2025-10-06T12:00:00Z"}
                """
                    .formatted(core100.digest(), core100.contentSize(), MediaTypes.OCI_MANIFEST)));
  }

  @Test
  void aNestedNamespaceListsOnlyItsOwnRepositories() throws Exception {
    push("kcl/extensions/taskserv", "1.28.0", Map.of(), "k8s");
    push("kcl/provisioning-core", "1.0.0", Map.of(), "core");

    JsonNode data =
        http.postJson("/api/v1/oci/artifacts", "{\"namespace\": \"kcl/extensions\"}")
            .json()
            .get("data");

    assertThat(data).hasSize(1);
    assertThat(data.get(0).get("name").asText()).isEqualTo("taskserv");
  }

  @Test
  void anIndexCountsItsOwnSizeAndShowsItsMediaType() throws Exception {
    Images.Image amd64 = push("tools/alpine", "amd64", Map.of(), "alpine amd64");
    Images.Image arm64 = push("tools/alpine", "arm64", Map.of(), "alpine arm64");
    Images.Blob index = Images.pushIndex(registry, "tools/alpine", "latest", amd64, arm64);

    JsonNode data =
        http.postJson("/api/v1/oci/artifacts", "{\"namespace\": \"tools\"}").json().get("data");

    assertThat(data)
        .extracting(a -> a.get("version").asText())
        .containsExactly("amd64", "arm64", "latest");
    assertThat(data.get(2).get("size").asLong()).isEqualTo(index.size());
    assertThat(data.get(2).get("media_type").asText()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(data.get(2).get("digest").asText()).isEqualTo(index.digest().toString());
  }

  @Test
  void anUnparsableCreatedAnnotationFallsBackToThePushTime() throws Exception {
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    push("kcl/core", "1", Map.of(CREATED, "yesterday"), "core");

    JsonNode artifact =
        http.postJson("/api/v1/oci/artifacts", "{\"namespace\": \"kcl\"}")
            .json()
            .get("data")
            .get(0);

    assertThat(Instant.parse(artifact.get("created_at").asText()))
        .isBetween(before, Instant.now().plusSeconds(1));
  }

  @Test
  void anEmptyNamespaceAnswersAnEmptyList() throws Exception {
    Response response = http.postJson("/api/v1/oci/artifacts", "{\"namespace\": \"nothing\"}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).isEqualTo("{\"success\":true,\"data\":[]}");
  }

  @Test
  void badRequestsAnswer400WithSuccessFalse() throws Exception {
    for (String body :
        List.of(
            "{}",
            "{\"namespace\": \"\"}",
            "{\"namespace\": \"KCL\"}",
            "{\"namespace\": \"kcl/\"}",
            "{\"namespace\": \"../etc\"}",
            "{\"namespace\": 3}",
            "{\"namespace\": \"kcl\", \"limit\": 3}",
            "namespace=kcl",
            "")) {
      Response response = http.postJson("/api/v1/oci/artifacts", body);
      assertThat(response.status()).as(body).isEqualTo(400);
      assertThat(response.json().get("success").asBoolean()).as(body).isFalse();
      assertThat(response.json().get("error").isTextual()).as(body).isTrue();
    }
  }

  @Test
  void otherMethodsAnswer405WithSuccessFalse() throws Exception {
    Response response = http.get("/api/v1/oci/artifacts");

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.header("Allow")).hasValue("POST");
    assertThat(response.json().get("success").asBoolean()).isFalse();
  }

  private Images.Image push(
      String repository, String tag, Map<String, String> annotations, String... layers)
      throws Exception {
    return Images.push(registry, repository, Reference.of(Tag.parse(tag)), annotations, layers);
  }
}
