package dev.ociregistry.controller.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /media/tasks/{jobId}/task.json}: what the maintenance OS fetches. */
class TaskJsonTest {
  private static final String REPOSITORY = "os-images/ubuntu-rootfs";

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
  void imageTaskHoldsTheJobTheRecipeAndEveryBlobToPull() throws Exception {
    Images.Image image = Images.push(registry, REPOSITORY, "22.04", "rootfs", "modules");
    ObjectNode recipe = Recipes.linux("ubuntu", REPOSITORY + ":22.04");
    http.postJson("/api/v1/recipes", recipe.toString());
    String id = createJob("ubuntu", "server01");

    Response response = http.get("/media/tasks/" + id + "/task.json");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).hasValue("application/json");
    ObjectNode expected =
        Recipes.parse(
            """
            {"job_id": "%s", "server": "server01", "state": "queued", "recipe": "ubuntu"}
            """
                .formatted(id));
    recipe
        .properties()
        .forEach(
            field -> {
              if (!field.getKey().equals("name")) {
                expected.set(field.getKey(), field.getValue());
              }
            });
    String manifestUrl = "/v2/" + REPOSITORY + "/manifests/" + image.digest();
    expected.set(
        "artifact",
        Recipes.parse(
            """
            {"registry_host": null, "repository": "%s", "reference": "22.04", "digest": "%s",
             "pinned": true, "reason": null,
             "media_type": "%s", "manifest_url": "%s", "blobs": [%s, %s, %s]}
            """
                .formatted(
                    REPOSITORY,
                    image.digest(),
                    MediaTypes.OCI_MANIFEST,
                    manifestUrl,
                    blob(image.config(), null),
                    blob(image.layers().get(0), "layer-0.tar.gz"),
                    blob(image.layers().get(1), "layer-1.tar.gz"))));
    assertThat(response.json()).isEqualTo(expected);
  }

  @Test
  void everyUrlOfTheTaskServesContentWithTheStatedDigest() throws Exception {
    Images.push(registry, REPOSITORY, "22.04", "rootfs", "modules");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString());
    JsonNode artifact = task(createJob("ubuntu", "server01")).get("artifact");

    assertThat(digestOf(artifact.get("manifest_url").asText()))
        .isEqualTo(artifact.get("digest").asText());
    assertThat(artifact.get("blobs")).as("the config and both layers").hasSize(3);
    for (JsonNode blob : artifact.get("blobs")) {
      assertThat(digestOf(blob.get("url").asText())).isEqualTo(blob.get("digest").asText());
    }
  }

  @Test
  void aTagMovedAfterTheJobWasCreatedDoesNotChangeTheTask() throws Exception {
    Images.Image v1 = Images.push(registry, REPOSITORY, "22.04", "rootfs one");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString());
    String id = createJob("ubuntu", "server01");
    JsonNode before = task(id);

    Images.Image v2 = Images.push(registry, REPOSITORY, "22.04", "rootfs two");

    JsonNode after = task(id);
    assertThat(after).isEqualTo(before);
    assertThat(after.get("artifact").get("digest").asText()).isEqualTo(v1.digest().toString());
    assertThat(task(createJob("ubuntu", "server02")).get("artifact").get("digest").asText())
        .isEqualTo(v2.digest().toString());
  }

  @Test
  void aRecipeChangedAfterTheJobWasCreatedDoesNotChangeTheTask() throws Exception {
    Images.push(registry, REPOSITORY, "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString());
    String id = createJob("ubuntu", "server01");

    http.putJson(
            "/api/v1/recipes/ubuntu",
            Recipes.linux("ubuntu", REPOSITORY + ":22.04")
                .put("target_disk", "/dev/nvme0n1")
                .toString())
        .expect(200);
    http.delete("/api/v1/recipes/ubuntu").expect(204);

    assertThat(task(id).get("target_disk").asText()).isEqualTo("/dev/sda");
    assertThat(http.get("/api/v1/jobs/" + id).json().get("recipe").asText()).isEqualTo("ubuntu");
  }

  @Test
  void indexTaskListsEachPlatformWithItsBlobsAndAllBlobsOnce() throws Exception {
    Images.Image amd64 = Images.push(registry, REPOSITORY, "amd64", "shared", "amd64 kernel");
    Images.Image arm64 = Images.push(registry, REPOSITORY, "arm64", "shared", "arm64 kernel");
    Images.Blob index = Images.pushIndex(registry, REPOSITORY, "22.04", amd64, arm64);
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString());

    JsonNode artifact = task(createJob("ubuntu", "server01")).get("artifact");

    assertThat(artifact.get("digest").asText()).isEqualTo(index.digest().toString());
    assertThat(artifact.get("media_type").asText()).isEqualTo(MediaTypes.OCI_INDEX);
    JsonNode children = artifact.get("manifests");
    assertThat(children).hasSize(2);
    assertThat(children.get(0).get("digest").asText()).isEqualTo(amd64.digest().toString());
    assertThat(children.get(0).get("platform").get("architecture").asText()).isEqualTo("amd64");
    assertThat(children.get(0).get("manifest_url").asText())
        .isEqualTo("/v2/" + REPOSITORY + "/manifests/" + amd64.digest());
    assertThat(children.get(1).get("platform").get("architecture").asText()).isEqualTo("arm64");
    assertThat(digests(children.get(0).get("blobs")))
        .containsExactly(
            amd64.config().digest().toString(),
            amd64.layers().get(0).digest().toString(),
            amd64.layers().get(1).digest().toString());
    assertThat(digests(children.get(1).get("blobs")))
        .containsExactly(
            arm64.config().digest().toString(),
            arm64.layers().get(0).digest().toString(),
            arm64.layers().get(1).digest().toString());
    assertThat(digests(artifact.get("blobs")))
        .containsExactly(
            amd64.config().digest().toString(),
            amd64.layers().get(0).digest().toString(),
            amd64.layers().get(1).digest().toString(),
            arm64.config().digest().toString(),
            arm64.layers().get(1).digest().toString());
  }

  @Test
  void externalArtifactTaskHasTheUrlButNoDigestOrBlobs() throws Exception {
    http.postJson(
        "/api/v1/recipes",
        Recipes.windows("windows", "mcr.microsoft.com/windows/server:ltsc2022").toString());

    JsonNode task = task(createJob("windows", "server01"));

    assertThat(task.get("oci_url").asText()).isEqualTo("mcr.microsoft.com/windows/server:ltsc2022");
    assertThat(task.get("unattend_xml").asText()).startsWith("<unattend");
    ObjectNode artifact = (ObjectNode) task.get("artifact");
    assertThat(artifact.remove("reason").asText())
        .startsWith("the oci_url's host mcr.microsoft.com is not an address of this registry");
    assertThat(artifact)
        .isEqualTo(
            Recipes.parse(
                """
                {"registry_host": "mcr.microsoft.com", "repository": "windows/server",
                 "reference": "ltsc2022", "digest": null, "pinned": false, "media_type": null,
                 "manifest_url": null, "blobs": []}
                """));
  }

  @Test
  void onlyALayerWithUrlsToFetchFromIsLeftWithoutARegistryUrl() throws Exception {
    String nonDistributable = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    RepositoryName repository = RepositoryName.parse(REPOSITORY);
    Artifacts.Blob config = Artifacts.blob(Artifacts.OCI_CONFIG, "{}".getBytes(UTF_8));
    Artifacts.Blob held =
        Artifacts.blob(nonDistributable, "a non-distributable layer pushed anyway".getBytes(UTF_8));
    Artifacts.Blob foreign =
        Artifacts.blob(nonDistributable, "fetched from its urls".getBytes(UTF_8));
    Images.putBlob(registry, repository, config);
    Images.putBlob(registry, repository, held);
    Artifacts.Manifest manifest =
        Artifacts.image()
            .config(config)
            .layer(held, Map.of("urls", List.of()))
            .layer(foreign, Map.of("urls", List.of("https://example.com/l")))
            .build();
    Images.putManifest(registry, repository, Reference.of(Tag.parse("22.04")), manifest);
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString());

    JsonNode blobs = task(createJob("ubuntu", "server01")).get("artifact").get("blobs");

    assertThat(blobs.get(1).get("digest").asText()).isEqualTo(held.digest());
    assertThat(blobs.get(1).path("url").asText())
        .as("empty urls: the registry holds the layer, as it did when the manifest was pushed")
        .isEqualTo("/v2/" + REPOSITORY + "/blobs/" + held.digest());
    assertThat(blobs.get(2).get("digest").asText()).isEqualTo(foreign.digest());
    assertThat(blobs.get(2).has("url")).isFalse();
    assertThat(blobs.get(2).get("urls").get(0).asText()).isEqualTo("https://example.com/l");
  }

  @Test
  void taskFollowsTheJobsStateAndIsGoneOnceItsManifestIs() throws Exception {
    Images.Image image = Images.push(registry, REPOSITORY, "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString());
    String id = createJob("ubuntu", "server01");
    http.postJson("/api/v1/jobs/" + id + "/status", "{\"state\": \"running\"}");
    http.postJson("/api/v1/jobs/" + id + "/status", "{\"state\": \"succeeded\"}");
    assertThat(task(id).get("state").asText()).isEqualTo("succeeded");

    registry.manifests().delete(RepositoryName.parse(REPOSITORY), image.digest());
    Response gone = http.get("/media/tasks/" + id + "/task.json");

    assertThat(gone.status()).isEqualTo(410);
    assertThat(Api.errorMessage(gone)).contains(image.digest().toString());
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    Images.push(registry, REPOSITORY, "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString());
    String id = createJob("ubuntu", "server01");

    Response head = http.head("/media/tasks/" + id + "/task.json");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Length"))
        .hasValue(String.valueOf(http.get("/media/tasks/" + id + "/task.json").body().length));
  }

  @Test
  void unknownJobsAndOtherPathsAnswer404AndOtherMethods405() throws Exception {
    Images.push(registry, REPOSITORY, "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString());
    String id = createJob("ubuntu", "server01");

    for (String path :
        List.of(
            "/media/tasks/" + UUID.randomUUID() + "/task.json",
            "/media/tasks/not-a-job/task.json",
            "/media/tasks/" + id,
            "/media/tasks/" + id + "/",
            "/media/tasks/" + id + "/other.json",
            "/media/tasks/",
            "/media/tasks")) {
      Response response = http.get(path);
      assertThat(response.status()).as(path).isEqualTo(404);
      assertThat(Api.errorMessage(response)).as(path).isNotEmpty();
    }
    Response post = http.postJson("/media/tasks/" + id + "/task.json", "{}");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).hasValue("GET, HEAD");
  }

  private String createJob(String recipe, String server) throws Exception {
    return Api.createdJobId(http, recipe, server);
  }

  private JsonNode task(String id) throws Exception {
    Response response = http.get("/media/tasks/" + id + "/task.json");
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json();
  }

  private String blob(Images.Blob blob, String title) {
    String annotations =
        title == null
            ? ""
            : ", \"annotations\": {\"org.opencontainers.image.title\": \"" + title + "\"}";
    return """
    {"digest": "%s", "size": %d, "media_type": "%s", "url": "/v2/%s/blobs/%s"%s}
    """
        .formatted(
            blob.digest(), blob.size(), blob.mediaType(), REPOSITORY, blob.digest(), annotations);
  }

  private String digestOf(String path) throws Exception {
    Response response =
        http.send(
            http.request(path)
                .header("Accept", MediaTypes.OCI_MANIFEST + ", " + MediaTypes.OCI_INDEX)
                .GET());
    assertThat(response.status()).as(path).isEqualTo(200);
    return Digests.sha256(response.body());
  }

  private static List<String> digests(JsonNode blobs) {
    List<String> digests = new java.util.ArrayList<>();
    blobs.forEach(blob -> digests.add(blob.get("digest").asText()));
    return digests;
  }
}
