package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recipes, jobs and pins survive a restart: a new ProvisioningApi and OciRegistry on the same dirs.
 */
class PersistenceTest {
  private static final String REPOSITORY = "os-images/ubuntu-rootfs";
  private static final RepositoryName REPO = RepositoryName.parse(REPOSITORY);
  private static final RegistryAddresses ADDRESSES =
      RegistryAddresses.of(ApiTestServer.LOOPBACK, List.of());

  @TempDir Path root;

  private ApiTestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void restartKeepsRecipesJobsAndPinsAndJobsGoOn() throws Exception {
    server = ApiTestServer.start(root);
    TestHttp http = server.http();
    Images.Image image = Images.push(server.registry(), REPOSITORY, "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString())
        .expect(201);
    http.postJson(
            "/api/v1/recipes",
            Recipes.windows("windows", "mcr.microsoft.com/windows:2022").toString())
        .expect(201);
    String active = Api.createdJobId(http, "ubuntu", "server01");
    http.postJson(
            "/api/v1/jobs/" + active + "/status", "{\"state\": \"running\", \"message\": \"m\"}")
        .expect(200);
    String done = Api.createdJobId(http, "ubuntu", "server02");
    http.postJson("/api/v1/jobs/" + done + "/status", "{\"state\": \"failed\"}").expect(200);
    String external = Api.createdJobId(http, "windows", "server03");
    JsonNode recipes = http.get("/api/v1/recipes").json();
    JsonNode jobs = http.get("/api/v1/jobs").json();
    JsonNode task = http.get("/media/tasks/" + active + "/task.json").json();

    server.close();
    server = ApiTestServer.start(root);
    http = server.http();

    assertThat(http.get("/api/v1/recipes").json()).isEqualTo(recipes);
    assertThat(http.get("/api/v1/jobs").json()).isEqualTo(jobs);
    assertThat(http.get("/media/tasks/" + active + "/task.json").json()).isEqualTo(task);
    assertThat(server.registry().pins().list())
        .containsExactly(new Pin("job-" + active, REPO, image.digest()));
    Response finished =
        http.postJson("/api/v1/jobs/" + active + "/status", "{\"state\": \"succeeded\"}");
    assertThat(finished.status()).isEqualTo(200);
    assertThat(server.registry().pins().list()).isEmpty();
    assertThat(
            http.postJson("/api/v1/jobs/" + done + "/status", "{\"state\": \"running\"}").status())
        .isEqualTo(409);
    assertThat(http.get("/api/v1/jobs/" + external).json().get("state").asText())
        .isEqualTo("queued");
  }

  @Test
  void eachRecipeAndJobIsOneJsonFileAndNoTemporaryIsLeft() throws Exception {
    server = ApiTestServer.start(root);
    TestHttp http = server.http();
    Images.push(server.registry(), REPOSITORY, "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString());
    String id = Api.createdJobId(http, "ubuntu", "server01");
    Path provisioning = root.resolve("provisioning");

    JsonNode recipeFile = Api.JSON.readTree(provisioning.resolve("recipes/ubuntu.json").toFile());
    JsonNode jobFile = Api.JSON.readTree(provisioning.resolve("jobs/" + id + ".json").toFile());

    assertThat(recipeFile.get("recipe")).isEqualTo(http.get("/api/v1/recipes/ubuntu").json());
    assertThat(jobFile.get("job")).isEqualTo(http.get("/api/v1/jobs/" + id).json());
    assertThat(jobFile.get("recipe").get("name").asText()).isEqualTo("ubuntu");
    try (Stream<Path> temporaries = Files.list(provisioning.resolve("tmp"))) {
      assertThat(temporaries).isEmpty();
    }
  }

  @Test
  void deletedRecipeStaysDeletedAfterARestart() throws Exception {
    server = ApiTestServer.start(root);
    server
        .http()
        .postJson("/api/v1/recipes", Recipes.linux("ext", "docker.io/library/alpine:3").toString())
        .expect(201);
    server.http().delete("/api/v1/recipes/ext").expect(204);

    server.close();
    server = ApiTestServer.start(root);

    assertThat(server.http().get("/api/v1/recipes/ext").status()).isEqualTo(404);
    assertThat(root.resolve("provisioning/recipes/ext.json")).doesNotExist();
  }

  @Test
  void eachJobJudgesItsRecipesOciUrlAgainAfterARestartOnAnotherPort() throws Exception {
    server = ApiTestServer.start(root);
    Images.Image image = Images.push(server.registry(), REPOSITORY, "22.04", "rootfs");
    String url = server.hostPort() + "/" + REPOSITORY + ":22.04";
    server.http().postJson("/api/v1/recipes", Recipes.linux("by-address", url).toString());
    JsonNode before = Api.createJob(server.http(), "by-address", "s").expect(201).json();
    assertThat(before.at("/artifact/digest").asText()).isEqualTo(image.digest().toString());

    int port = server.port();
    server.close();
    server = null;
    // The new server listens on another port (the old one held meanwhile), so the recipe's
    // 127.0.0.1:<old port> names another server now.
    try (ServerSocket held = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      server = ApiTestServer.start(root);
    }
    JsonNode after = Api.createJob(server.http(), "by-address", "s").expect(201).json();

    assertThat(after.at("/artifact/pinned").asBoolean()).isFalse();
    assertThat(after.at("/artifact/reason").asText())
        .contains("is this machine, but this registry listens on port " + server.port());
  }

  @Test
  void startUpRemovesPinsOfEndedOrUnknownJobsAndRepinsActiveOnes() throws Exception {
    server = ApiTestServer.start(root);
    TestHttp http = server.http();
    Images.Image image = Images.push(server.registry(), REPOSITORY, "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString());
    String active = Api.createdJobId(http, "ubuntu", "server01");
    String ended = Api.createdJobId(http, "ubuntu", "server02");
    http.postJson("/api/v1/jobs/" + ended + "/status", "{\"state\": \"failed\"}");
    // What a crash between the two steps of a create or an end would leave behind:
    server.registry().pins().unpin("job-" + active);
    server.registry().pins().pin("job-" + ended, REPO, image.digest());
    server.registry().pins().pin("job-" + UUID.randomUUID(), REPO, image.digest());
    server.registry().pins().pin("someone-else", REPO, image.digest());

    server.close();
    server = ApiTestServer.start(root);

    assertThat(server.registry().pins().list())
        .extracting(Pin::id)
        .containsExactlyInAnyOrder("job-" + active, "someone-else");
  }

  @Test
  void leftoverTemporariesAreRemovedAtStart() throws Exception {
    Path temporary = root.resolve("provisioning/tmp/" + UUID.randomUUID());
    Files.createDirectories(temporary.getParent());
    Files.writeString(temporary, "{\"torn");

    new ProvisioningApi(Optional.empty(), root.resolve("provisioning"), ADDRESSES);

    assertThat(temporary).doesNotExist();
  }

  @Test
  void filesWithOtherNamesAreIgnored() throws Exception {
    Path recipes = Files.createDirectories(root.resolve("provisioning/recipes"));
    Files.writeString(recipes.resolve("README.txt"), "notes");
    Files.writeString(recipes.resolve("Not A Name.json"), "{}");
    Files.createDirectories(root.resolve("provisioning/jobs"));
    Path job = Files.writeString(root.resolve("provisioning/jobs/not-a-uuid.json"), "{}");

    server = ApiTestServer.start(root, false, List.of());

    TestHttp http = server.http();
    assertThat(http.get("/api/v1/recipes").expect(200).json().get("recipes")).isEmpty();
    assertThat(http.get("/api/v1/jobs").expect(200).json().get("jobs")).isEmpty();
    assertThat(recipes.resolve("README.txt")).hasContent("notes");
    assertThat(recipes.resolve("Not A Name.json")).hasContent("{}");
    assertThat(job).hasContent("{}");
  }

  @Test
  void anInvalidRecipeFileStopsStartUpNamingTheFile() throws Exception {
    Path file = Files.createDirectories(root.resolve("provisioning/recipes")).resolve("bad.json");
    Files.writeString(file, "{\"recipe\": {\"name\": \"bad\", \"task_target\": \"t\"}}");

    assertThatThrownBy(
            () -> new ProvisioningApi(Optional.empty(), root.resolve("provisioning"), ADDRESSES))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("target_disk");
  }

  @Test
  void aJobFileThatIsNotJsonStopsStartUpNamingTheFile() throws Exception {
    String id = UUID.randomUUID().toString();
    Path file = Files.createDirectories(root.resolve("provisioning/jobs")).resolve(id + ".json");
    Files.write(file, "{\"job\": ".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(
            () -> new ProvisioningApi(Optional.empty(), root.resolve("provisioning"), ADDRESSES))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void aJobFileUnderAnotherIdStopsStartUp() throws Exception {
    server = ApiTestServer.start(root);
    server
        .http()
        .postJson("/api/v1/recipes", Recipes.linux("ext", "docker.io/library/alpine:3").toString());
    String id = Api.createdJobId(server.http(), "ext", "server01");
    server.close();
    server = null;
    Path jobs = root.resolve("provisioning/jobs");
    Files.move(jobs.resolve(id + ".json"), jobs.resolve(UUID.randomUUID() + ".json"));

    assertThatThrownBy(
            () -> new ProvisioningApi(Optional.empty(), root.resolve("provisioning"), ADDRESSES))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(id);
  }
}
