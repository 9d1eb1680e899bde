package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.controller.api.ApiReference;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import dev.ociregistry.testkit.TestSecrets;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API reference against the running jar: every operation {@code GET /api/v1/openapi.json}
 * documents is called until it has answered every status the document lists for it, and each answer
 * is checked against the document (the status is listed, required headers are there, the body is
 * JSON of the documented schema). The test fails when the document lists an operation and status,
 * or a shared response, that no case produced, or the jar answers one the document does not list.
 *
 * <p>Beside each operation's own method, every path is sent a method it does not take (405 with
 * {@code Allow} naming exactly the document's methods of the path), a {@code HEAD} (as its {@code
 * GET}, or 405 where it has none), and paths no operation has are sent (404, {@code UnknownPath}).
 *
 * <p>Authentication is on ({@code basic}), so 401, 403 and 429 are the access control's, as users
 * meet them; 500 comes from a provisioning directory that refuses writes, 503 from a restart with
 * the registry disabled.
 */
class ApiReferenceIT {
  private static final String USER = "operator";
  private static final String PASSWORD = TestSecrets.password("operator");
  private static final String UBUNTU = "os-images/ubuntu-rootfs:22.04";
  private static final String PADDING = "x".repeat(1100 * 1024);

  @TempDir Path workDir;

  @Test
  void everyDocumentedOperationAnswersEveryDocumentedStatusInItsDocumentedShape() throws Exception {
    Map<String, String> env =
        Map.of(
            "REGISTRY_AUTH_MODE", "basic",
            "REGISTRY_BASIC_USER", USER,
            "REGISTRY_BASIC_PASSWORD", PASSWORD);
    Walk walk;
    String pinnedJob;
    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, env)) {
      TestHttp anonymous = new TestHttp(controller.base());
      TestHttp http = anonymous.withBasicAuth(USER, PASSWORD);
      Response served = http.get("/api/v1/openapi.json").expect(200);
      assertThat(served.body()).isEqualTo(ApiReference.shippedBytes());
      walk = new Walk(ApiReference.of(ApiReference.parse(served.body())));
      walk.expect(200, http, "getApiReference", null);

      Pusher pusher = new Pusher(http);
      pusher.image("os-images/ubuntu-rootfs", "22.04", Artifacts.image("ubuntu 22.04"));
      recipesAnswerEveryStatus(walk, http);
      pinnedJob = jobsAnswerEveryStatus(walk, http, pusher);
      artifactsAnswerEveryStatus(walk, http);
      tasksAnswerEveryStatus(walk, http, pusher, pinnedJob);
      pathsRefuseOtherMethodsAndUnknownPathsAre404(walk, http, pinnedJob);
      writesTheProvisioningDirectoryRefusesAnswer500(walk, http);
      theAccessControlAnswers401And403And429(walk, anonymous, http, pinnedJob);
    }

    Map<String, String> disabled = new HashMap<>(env);
    disabled.put("ENABLE_REGISTRY", "false");
    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, disabled)) {
      TestHttp http = new TestHttp(controller.base()).withBasicAuth(USER, PASSWORD);
      walk.expect(503, http, "listArtifacts", "{\"namespace\": \"os-images\"}");
      walk.expect(503, http, "getTask", null, pinnedJob);
    }

    SoftAssertions.assertSoftly(
        softly -> {
          softly.assertThat(walk.problems).as("answers unlike the document").isEmpty();
          softly
              .assertThat(walk.reference.notProduced())
              .as("documented, but no case produced it")
              .isEmpty();
        });
  }

  private static void recipesAnswerEveryStatus(Walk walk, TestHttp http) throws IOException {
    walk.expect(201, http, "createRecipe", linux("ubuntu", UBUNTU));
    walk.expect(201, http, "createRecipe", windows("windows", "mcr.microsoft.com/windows:2022"));
    walk.expect(400, http, "createRecipe", "{\"name\": \"no-fields\"}");
    walk.expect(409, http, "createRecipe", linux("ubuntu", UBUNTU));
    walk.expect(413, http, "createRecipe", windows("large", "x/y:1", PADDING));
    walk.expect(422, http, "createRecipe", linux("missing", "os-images/ubuntu-rootfs:24.04"));
    walk.expect(200, http, "listRecipes", null);
    walk.expect(200, http, "getRecipe", null, "ubuntu");
    walk.expect(404, http, "getRecipe", null, "nothing");
    walk.expect(200, http, "putRecipe", linux("ubuntu", UBUNTU), "ubuntu");
    walk.expect(201, http, "putRecipe", linux(null, UBUNTU), "ubuntu-copy");
    walk.expect(400, http, "putRecipe", linux("other", UBUNTU), "ubuntu");
    walk.expect(413, http, "putRecipe", windows(null, "x/y:1", PADDING), "large");
    walk.expect(422, http, "putRecipe", linux(null, "os-images/nothing:1"), "ubuntu");
    walk.expect(204, http, "deleteRecipe", null, "ubuntu-copy");
    walk.expect(404, http, "deleteRecipe", null, "ubuntu-copy");
  }

  /** Returns the id of a queued job that pins its artifact. */
  private static String jobsAnswerEveryStatus(Walk walk, TestHttp http, Pusher pusher)
      throws IOException {
    String pinned = walk.expect(201, http, "createJob", job("ubuntu")).json().get("id").asText();
    JsonNode foreign = walk.expect(201, http, "createJob", job("windows")).json();
    assertThat(foreign.at("/artifact/pinned").asBoolean()).isFalse();
    assertThat(foreign.at("/artifact/reason").asText()).contains("mcr.microsoft.com");
    walk.expect(400, http, "createJob", job("nothing"));
    walk.expect(413, http, "createJob", "{\"recipe\": \"" + PADDING + "\", \"server\": \"s\"}");
    pusher.image("os-images/doomed", "1", Artifacts.image("doomed"));
    walk.expect(201, http, "createRecipe", linux("doomed", "os-images/doomed:1"));
    http.delete("/v2/os-images/doomed/manifests/1").expect(202);
    Response refused = walk.expect(422, http, "createJob", job("doomed"));
    assertThat(refused.json().at("/error/detail/repository").asText())
        .isEqualTo("os-images/doomed");
    assertThat(refused.json().at("/error/detail/tag").asText()).isEqualTo("1");

    walk.expect(200, http, "listJobs", null);
    walk.expectQuery(200, http, "listJobs", "state=queued&recipe=ubuntu&server=server01");
    walk.expectQuery(400, http, "listJobs", "state=done");
    walk.expect(200, http, "getJob", null, pinned);
    walk.expect(404, http, "getJob", null, "00000000-0000-0000-0000-000000000000");
    String moved = walk.expect(201, http, "createJob", job("ubuntu")).json().get("id").asText();
    walk.expect(200, http, "updateJobStatus", status("running", "booted"), moved);
    walk.expect(400, http, "updateJobStatus", status("done", null), moved);
    walk.expect(404, http, "updateJobStatus", status("running", null), "not-a-job");
    walk.expect(409, http, "updateJobStatus", status("queued", null), moved);
    walk.expect(
        413,
        http,
        "updateJobStatus",
        "{\"state\": \"failed\", \"message\": \"" + PADDING + "\"}",
        moved);
    walk.expect(200, http, "updateJobStatus", status("succeeded", "installed"), moved);
    return pinned;
  }

  private static void artifactsAnswerEveryStatus(Walk walk, TestHttp http) throws IOException {
    JsonNode listing =
        walk.expect(200, http, "listArtifacts", "{\"namespace\": \"os-images\"}").json();
    assertThat(listing.get("data")).isNotEmpty();
    walk.expect(400, http, "listArtifacts", "{\"namespace\": \"OS\"}");
    walk.expect(413, http, "listArtifacts", "{\"namespace\": \"" + PADDING + "\"}");
  }

  private static void tasksAnswerEveryStatus(
      Walk walk, TestHttp http, Pusher pusher, String pinnedJob) throws IOException {
    JsonNode task = walk.expect(200, http, "getTask", null, pinnedJob).json();
    assertThat(task.at("/artifact/blobs")).hasSize(2);
    assertThat(task.has("registry")).as("the operator may read the job's credential").isTrue();
    walk.expect(404, http, "getTask", null, "00000000-0000-0000-0000-000000000000");
    String foreign = http.get("/api/v1/jobs?recipe=windows").json().at("/jobs/0/id").asText();
    JsonNode external = walk.expect(200, http, "getTask", null, foreign).json();
    assertThat(external.at("/artifact/blobs")).isEmpty();

    Manifest amd64 = pusher.image("os-images/multi", "amd64", Artifacts.image("amd64"));
    Manifest arm64 = pusher.image("os-images/multi", "arm64", Artifacts.image("arm64"));
    pusher.manifest(
        "os-images/multi",
        "1",
        Artifacts.index()
            .manifest(amd64, "linux", "amd64")
            .manifest(arm64, "linux", "arm64")
            .build());
    walk.expect(201, http, "createRecipe", linux("multi", "os-images/multi:1"));
    String multi = walk.expect(201, http, "createJob", job("multi")).json().get("id").asText();
    JsonNode platforms = walk.expect(200, http, "getTask", null, multi).json();
    assertThat(platforms.at("/artifact/manifests")).hasSize(2);

    Manifest gone = pusher.image("os-images/gone", "1", Artifacts.image("gone"));
    walk.expect(201, http, "createRecipe", linux("gone", "os-images/gone:1"));
    String ended = walk.expect(201, http, "createJob", job("gone")).json().get("id").asText();
    walk.expect(200, http, "updateJobStatus", status("failed", "no disk"), ended);
    http.delete("/v2/os-images/gone/manifests/" + gone.digest()).expect(202);
    walk.expect(410, http, "getTask", null, ended);

    Manifest image = pusher.image("os-images/huge", "child", Artifacts.image("huge"));
    Artifacts.IndexBuilder index = Artifacts.index();
    for (int i = 0; i < 1000; i++) {
      Manifest child =
          Artifacts.image()
              .config(image.blobs().get(0))
              .layer(image.blobs().get(1))
              .annotation("n", String.valueOf(i))
              .build();
      pusher.manifest("os-images/huge", child.digest(), child);
      index.manifest(child, "linux", "amd64");
    }
    pusher.manifest("os-images/huge", "all", index.build());
    walk.expect(201, http, "createRecipe", linux("huge", "os-images/huge:all"));
    String huge = walk.expect(201, http, "createJob", job("huge")).json().get("id").asText();
    walk.expect(413, http, "getTask", null, huge);
  }

  /**
   * Every path answers a method it does not take with 405 and {@code Allow} listing the methods the
   * document gives the path; a {@code HEAD} answers as the path's {@code GET} does, or 405 where it
   * has none, without a body either way; a path no operation has answers 404, whatever the method.
   */
  private static void pathsRefuseOtherMethodsAndUnknownPathsAre404(
      Walk walk, TestHttp http, String pinnedJob) throws IOException {
    for (ApiReference.Operation operation : walk.reference.operations()) {
      String id = operation.id();
      String[] parameters =
          switch (id) {
            case "getRecipe", "putRecipe", "deleteRecipe" -> new String[] {"ubuntu"};
            case "getJob", "updateJobStatus", "getTask" -> new String[] {pinnedJob};
            default -> new String[0];
          };
      List<String> allowed = walk.reference.allowed(id);
      String allow = String.join(", ", allowed);
      String wrong =
          Stream.of("DELETE", "PATCH", "GET")
              .filter(method -> !allowed.contains(method))
              .findFirst()
              .orElseThrow();
      Response refused = walk.expectMethod(405, wrong, http, id, parameters);
      assertThat(refused.header("Allow")).as(id + " " + wrong).hasValue(allow);
      if (allowed.contains("HEAD")) {
        if (operation.method().equals("GET")) {
          walk.expectMethod(200, "HEAD", http, id, parameters);
        }
      } else {
        Response head = walk.expectMethod(405, "HEAD", http, id, parameters);
        assertThat(head.header("Allow")).as(id + " HEAD").hasValue(allow);
      }
    }
    walk.expectMethod(404, "HEAD", http, "getRecipe", "nothing");
    walk.expectMethod(405, "PATCH", http, "getRecipe", "nothing");
    walk.expectMethod(405, "DELETE", http, "getTask", "00000000-0000-0000-0000-000000000000");
    for (String path :
        List.of(
            "/api/v1",
            "/api/v1/nothing",
            "/api/v1/recipes/ubuntu/extra",
            "/api/v1/jobs/",
            "/api/v1/oci/artifacts/os-images",
            "/media/tasks/" + pinnedJob + "/other.json")) {
      for (String method : List.of("GET", "HEAD", "DELETE")) {
        walk.expectUnknown(method, http, path);
      }
    }
  }

  private void writesTheProvisioningDirectoryRefusesAnswer500(Walk walk, TestHttp http)
      throws IOException {
    for (String directory : List.of("recipes", "jobs")) {
      Path real = workDir.resolve("data/provisioning/" + directory);
      Path away = workDir.resolve("data/provisioning/" + directory + ".away");
      Files.move(real, away);
      Files.writeString(real, "a file where the directory belongs");
      try {
        if (directory.equals("recipes")) {
          walk.expect(500, http, "createRecipe", linux("refused", UBUNTU));
          walk.expect(500, http, "putRecipe", linux(null, UBUNTU), "ubuntu");
          walk.expect(500, http, "deleteRecipe", null, "ubuntu");
        } else {
          String queued = walk.reference.path("listJobs") + "?state=queued";
          String id = http.get(queued).json().at("/jobs/0/id").asText();
          walk.expect(500, http, "createJob", job("ubuntu"));
          walk.expect(500, http, "updateJobStatus", status("running", null), id);
        }
      } finally {
        Files.delete(real);
        Files.move(away, real);
      }
    }
    walk.expect(200, http, "getRecipe", null, "ubuntu");
  }

  /**
   * Every operation refuses a request without credentials (401), one of a job's credential (403),
   * and, once this client has failed to log in too often, one with a wrong password (429).
   */
  private static void theAccessControlAnswers401And403And429(
      Walk walk, TestHttp anonymous, TestHttp http, String pinnedJob) throws IOException {
    JsonNode login = http.get("/media/tasks/" + pinnedJob + "/task.json").json().get("registry");
    String jobPassword = login.get("password").asText();
    TestSecrets.record(jobPassword);
    TestHttp machine = anonymous.withBasicAuth(login.get("username").asText(), jobPassword);
    TestHttp wrong = anonymous.withBasicAuth(USER, PASSWORD + "-wrong");
    String otherJob = http.get("/api/v1/jobs").json().at("/jobs/1/id").asText();
    for (ApiReference.Operation operation : walk.reference.operations()) {
      String id = operation.id();
      String body = List.of("POST", "PUT").contains(operation.method()) ? "{}" : null;
      String[] parameters =
          switch (id) {
            case "getRecipe", "putRecipe", "deleteRecipe" -> new String[] {"ubuntu"};
            case "getJob", "updateJobStatus" -> new String[] {pinnedJob};
            case "getTask" -> new String[] {otherJob};
            default -> new String[0];
          };
      walk.expect(401, anonymous, id, body, parameters);
      walk.expect(403, machine, id, body, parameters);
      Response throttled = walk.call(wrong, id, null, body, parameters);
      for (int failures = 0; throttled.status() == 401 && failures < 12; failures++) {
        throttled = walk.call(wrong, id, null, body, parameters);
      }
      assertThat(throttled.status()).as(id + ": " + throttled).isEqualTo(429);
    }
  }

  private static String linux(String name, String ociUrl) {
    return "{"
        + (name == null ? "" : "\"name\": \"" + name + "\", ")
        + "\"task_target\": \"install-linux.target\", \"target_disk\": \"/dev/sda\","
        + " \"oci_url\": \""
        + ociUrl
        + "\", \"partitions\": [{\"mount\": \"/boot/efi\", \"size\": \"512M\", \"fstype\":"
        + " \"vfat\"}, {\"mount\": \"/\", \"size\": \"0\", \"fstype\": \"ext4\"}],"
        + " \"cloud_init\": {\"hostname\": \"server01.example.com\", \"ratio\": 1.50}}";
  }

  private static String windows(String name, String ociUrl) {
    return windows(name, ociUrl, "");
  }

  private static String windows(String name, String ociUrl, String padding) {
    return "{"
        + (name == null ? "" : "\"name\": \"" + name + "\", ")
        + "\"task_target\": \"install-windows.target\", \"target_disk\": \"/dev/nvme0n1\","
        + " \"oci_url\": \""
        + ociUrl
        + "\", \"partitions\": [{\"mount\": \"MSR\", \"size\": \"128M\"}, {\"mount\": \"C:\","
        + " \"size\": \"0\", \"fstype\": \"ntfs\"}], \"unattend_xml\": \"<unattend/>"
        + padding
        + "\"}";
  }

  private static String job(String recipe) {
    return "{\"recipe\": \"" + recipe + "\", \"server\": \"server01\"}";
  }

  private static String status(String state, String message) {
    return "{\"state\": \""
        + state
        + "\""
        + (message == null ? "" : ", \"message\": \"" + message + "\"")
        + "}";
  }

  /** Calls operations by id and checks each answer against the document, collecting problems. */
  private static final class Walk {
    final ApiReference reference;
    final List<String> problems = new ArrayList<>();

    Walk(ApiReference reference) {
      this.reference = reference;
    }

    /** Calls {@code id} and expects {@code status}; any other fails the test at once. */
    Response expect(int status, TestHttp client, String id, String body, String... parameters)
        throws IOException {
      Response response = call(client, id, null, body, parameters);
      assertThat(response.status()).as(id + ": " + response).isEqualTo(status);
      return response;
    }

    /** As {@link #expect}, with a query string and no body. */
    Response expectQuery(int status, TestHttp client, String id, String query) throws IOException {
      Response response = call(client, id, query, null);
      assertThat(response.status()).as(id + ": " + response).isEqualTo(status);
      return response;
    }

    /**
     * Sends {@code method} (another than the operation's own, or a {@code HEAD} of its {@code GET})
     * without a body to the path of {@code id} and expects {@code status}; the answer is checked
     * against what {@code id} documents.
     */
    Response expectMethod(
        int status, String method, TestHttp client, String id, String... parameters)
        throws IOException {
      Response response =
          client.send(
              client
                  .request(reference.path(id, parameters))
                  .method(method, BodyPublishers.noBody()));
      problems.addAll(reference.problems(id, response));
      assertThat(response.status()).as(id + ": " + response).isEqualTo(status);
      return response;
    }

    /**
     * Sends {@code method} without a body to {@code path}, which no operation has, and expects the
     * shared response {@code UnknownPath}, a 404.
     */
    void expectUnknown(String method, TestHttp client, String path) throws IOException {
      Response response = client.send(client.request(path).method(method, BodyPublishers.noBody()));
      problems.addAll(reference.sharedProblems("UnknownPath", response));
      assertThat(response.status()).as(method + " " + path + ": " + response).isEqualTo(404);
    }

    /**
     * Sends the operation's method to its path (with {@code parameters} and {@code query}), with
     * {@code body} as JSON when given; checks the answer, and the body of a request that succeeded
     * against the documented request schema.
     */
    Response call(TestHttp client, String id, String query, String body, String... parameters)
        throws IOException {
      ApiReference.Operation operation = reference.operation(id);
      String path = reference.path(id, parameters) + (query == null ? "" : "?" + query);
      var request = client.request(path);
      if (body == null) {
        request.method(operation.method(), BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", "application/json")
            .method(operation.method(), BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      }
      Response response = client.send(request);
      problems.addAll(reference.problems(id, response));
      if (body != null && response.status() / 100 == 2) {
        problems.addAll(reference.requestProblems(id, body));
      }
      return response;
    }
  }
}
