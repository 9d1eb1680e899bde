package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
  private Http http;

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
    http.postJson("/api/v1/recipes", recipe);
    String id = createJob("ubuntu", "server01");

    Http.Response response = http.get("/media/tasks/" + id + "/task.json");

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
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04"));
    JsonNode artifact = task(createJob("ubuntu", "server01")).get("artifact");

    assertThat(digestOf(artifact.get("manifest_url").asText()))
        .isEqualTo(artifact.get("digest").asText());
    for (JsonNode blob : artifact.get("blobs")) {
      assertThat(digestOf(blob.get("url").asText())).isEqualTo(blob.get("digest").asText());
    }
  }

  @Test
  void aTagMovedAfterTheJobWasCreatedDoesNotChangeTheTask() throws Exception {
    Images.Image v1 = Images.push(registry, REPOSITORY, "22.04", "rootfs one");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04"));
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
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04"));
    String id = createJob("ubuntu", "server01");

    http.putJson(
        "/api/v1/recipes/ubuntu",
        Recipes.linux("ubuntu", REPOSITORY + ":22.04").put("target_disk", "/dev/nvme0n1"));
    http.delete("/api/v1/recipes/ubuntu");

    assertThat(task(id).get("target_disk").asText()).isEqualTo("/dev/sda");
    assertThat(http.get("/api/v1/jobs/" + id).json().get("recipe").asText()).isEqualTo("ubuntu");
  }

  @Test
  void indexTaskListsEachPlatformWithItsBlobsAndAllBlobsOnce() throws Exception {
    Images.Image amd64 = Images.push(registry, REPOSITORY, "amd64", "shared", "amd64 kernel");
    Images.Image arm64 = Images.push(registry, REPOSITORY, "arm64", "shared", "arm64 kernel");
    Images.Blob index = Images.pushIndex(registry, REPOSITORY, "22.04", amd64, arm64);
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04"));

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
        "/api/v1/recipes", Recipes.windows("windows", "mcr.microsoft.com/windows/server:ltsc2022"));

    JsonNode task = task(createJob("windows", "server01"));

    assertThat(task.get("oci_url").asText()).isEqualTo("mcr.microsoft.com/windows/server:ltsc2022");
    assertThat(task.get("unattend_xml").asText()).startsWith("<unattend");
    assertThat(task.get("artifact"))
        .isEqualTo(
            Recipes.parse(
                """
                {"registry_host": "mcr.microsoft.com", "repository": "windows/server",
                 "reference": "ltsc2022", "digest": null, "media_type": null,
                 "manifest_url": null, "blobs": []}
                """));
  }

  @Test
  void onlyALayerWithUrlsToFetchFromIsLeftWithoutARegistryUrl() throws Exception {
    String nonDistributable = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    RepositoryName repository = RepositoryName.parse(REPOSITORY);
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] held = "a non-distributable layer pushed anyway".getBytes(StandardCharsets.UTF_8);
    for (byte[] content : List.of(config, held)) {
      registry
          .blobs()
          .put(
              repository,
              Digest.sha256(content),
              new ByteArrayInputStream(content),
              content.length);
    }
    String foreign =
        Digest.sha256("fetched from its urls".getBytes(StandardCharsets.UTF_8)).toString();
    String manifest =
        """
        {"schemaVersion": 2, "mediaType": "%s",
         "config": {"mediaType": "%s", "digest": "%s", "size": %d},
         "layers": [
           {"mediaType": "%s", "digest": "%s", "size": %d, "urls": []},
           {"mediaType": "%s", "digest": "%s", "size": 21, "urls": ["https://example.com/l"]}]}
        """
            .formatted(
                MediaTypes.OCI_MANIFEST,
                MediaTypes.OCI_CONFIG,
                Digest.sha256(config),
                config.length,
                nonDistributable,
                Digest.sha256(held),
                held.length,
                nonDistributable,
                foreign);
    registry
        .manifests()
        .put(
            repository,
            Reference.of(Tag.parse("22.04")),
            manifest.getBytes(StandardCharsets.UTF_8),
            MediaTypes.OCI_MANIFEST);
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04"));

    JsonNode blobs = task(createJob("ubuntu", "server01")).get("artifact").get("blobs");

    assertThat(blobs.get(1).get("digest").asText()).isEqualTo(Digest.sha256(held).toString());
    assertThat(blobs.get(1).path("url").asText())
        .as("empty urls: the registry holds the layer, as it did when the manifest was pushed")
        .isEqualTo("/v2/" + REPOSITORY + "/blobs/" + Digest.sha256(held));
    assertThat(blobs.get(2).get("digest").asText()).isEqualTo(foreign);
    assertThat(blobs.get(2).has("url")).isFalse();
    assertThat(blobs.get(2).get("urls").get(0).asText()).isEqualTo("https://example.com/l");
  }

  @Test
  void taskFollowsTheJobsStateAndIsGoneOnceItsManifestIs() throws Exception {
    Images.Image image = Images.push(registry, REPOSITORY, "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04"));
    String id = createJob("ubuntu", "server01");
    http.post("/api/v1/jobs/" + id + "/status", "{\"state\": \"running\"}");
    http.post("/api/v1/jobs/" + id + "/status", "{\"state\": \"succeeded\"}");
    assertThat(task(id).get("state").asText()).isEqualTo("succeeded");

    registry.manifests().delete(RepositoryName.parse(REPOSITORY), image.digest());
    Http.Response gone = http.get("/media/tasks/" + id + "/task.json");

    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.errorMessage()).contains(image.digest().toString());
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    Images.push(registry, REPOSITORY, "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04"));
    String id = createJob("ubuntu", "server01");

    Http.Response head = http.head("/media/tasks/" + id + "/task.json");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Length"))
        .hasValue(
            String.valueOf(
                http.get("/media/tasks/" + id + "/task.json")
                    .raw()
                    .body()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    .length));
  }

  @Test
  void unknownJobsAndOtherPathsAnswer404AndOtherMethods405() throws Exception {
    Images.push(registry, REPOSITORY, "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04"));
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
      Http.Response response = http.get(path);
      assertThat(response.status()).as(path).isEqualTo(404);
      assertThat(response.errorMessage()).as(path).isNotEmpty();
    }
    Http.Response post = http.post("/media/tasks/" + id + "/task.json", "{}");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).hasValue("GET, HEAD");
  }

  private String createJob(String recipe, String server) throws Exception {
    Http.Response response =
        http.postJson(
            "/api/v1/jobs",
            Http.mapper().createObjectNode().put("recipe", recipe).put("server", server));
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json().get("id").asText();
  }

  private JsonNode task(String id) throws Exception {
    Http.Response response = http.get("/media/tasks/" + id + "/task.json");
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
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(http.base() + path))
                    .header("Accept", MediaTypes.OCI_MANIFEST + ", " + MediaTypes.OCI_INDEX)
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return Digest.sha256(response.body()).toString();
  }

  private static List<String> digests(JsonNode blobs) {
    List<String> digests = new java.util.ArrayList<>();
    blobs.forEach(blob -> digests.add(blob.get("digest").asText()));
    return digests;
  }
}
