package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/jobs}: creation with a pinned artifact, listing, state changes. */
class JobApiTest {
  private static final String REPOSITORY = "os-images/ubuntu-rootfs";
  private static final RepositoryName REPO = RepositoryName.parse(REPOSITORY);
  private static final GcOptions COLLECT_ALL = new GcOptions(Duration.ZERO, true, false);

  @TempDir Path root;

  private ApiTestServer server;
  private OciRegistry registry;
  private TestHttp http;
  private Images.Image v1;

  @BeforeEach
  void start() throws Exception {
    server = ApiTestServer.start(root);
    registry = server.registry();
    http = server.http();
    v1 = Images.push(registry, REPOSITORY, "22.04", "rootfs one");
    assertThat(
            http.postJson(
                    "/api/v1/recipes", Recipes.linux("ubuntu", REPOSITORY + ":22.04").toString())
                .status())
        .isEqualTo(201);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void createAnswers201WithLocationAQueuedJobAndItsResolvedDigest() throws Exception {
    Instant before = Instant.now().minusSeconds(1);

    Response created = createJob("ubuntu", "server01");

    assertThat(created.status()).isEqualTo(201);
    JsonNode job = created.json();
    String id = job.get("id").asText();
    assertThat(UUID.fromString(id).toString()).isEqualTo(id);
    assertThat(created.header("Location")).hasValue("/api/v1/jobs/" + id);
    assertThat(job.get("recipe").asText()).isEqualTo("ubuntu");
    assertThat(job.get("server").asText()).isEqualTo("server01");
    assertThat(job.get("state").asText()).isEqualTo("queued");
    assertThat(job.get("message").isNull()).isTrue();
    assertThat(Instant.parse(job.get("created_at").asText())).isAfter(before);
    assertThat(job.get("updated_at")).isEqualTo(job.get("created_at"));
    assertThat(job.get("artifact"))
        .isEqualTo(
            Recipes.parse(
                """
                {"registry_host": null, "repository": "%s", "reference": "22.04", "digest": "%s",
                 "pinned": true, "reason": null}
                """
                    .formatted(REPOSITORY, v1.digest())));
    assertThat(http.get("/api/v1/jobs/" + id).json()).isEqualTo(job);
  }

  @Test
  void createPinsTheResolvedDigestUnderTheJobsId() throws Exception {
    String id = jobId("ubuntu", "server01");

    Optional<Pin> pin = registry.pins().get("job-" + id);

    assertThat(pin).hasValue(new Pin("job-" + id, REPO, v1.digest()));
  }

  @Test
  void jobOfAnExternalArtifactRecordsNoDigestPinsNothingAndSaysWhy() throws Exception {
    http.postJson(
        "/api/v1/recipes", Recipes.linux("alpine", "docker.io/library/alpine:3.20").toString());

    JsonNode artifact = createJob("alpine", "server02").json().get("artifact");

    assertThat(artifact.get("registry_host").asText()).isEqualTo("docker.io");
    assertThat(artifact.get("repository").asText()).isEqualTo("library/alpine");
    assertThat(artifact.get("reference").asText()).isEqualTo("3.20");
    assertThat(artifact.get("digest").isNull()).isTrue();
    assertThat(artifact.get("pinned").asBoolean()).isFalse();
    assertThat(artifact.get("reason").asText())
        .startsWith(
            "the oci_url's host docker.io is not an address of this registry, which answers")
        .contains("port " + server.port() + " of localhost, 127.0.0.1")
        .endsWith(
            "; if docker.io reaches this registry, add it to REGISTRY_PUBLIC_HOSTS; the job pins"
                + " nothing, and the machine pulls docker.io/library/alpine:3.20 itself");
    assertThat(registry.pins().list()).isEmpty();
  }

  @Test
  void jobOfARecipeWithTheRequestsHostIsResolvedHereAndKeepsTheHost() throws Exception {
    String url = server.hostPort() + "/" + REPOSITORY + ":22.04";
    http.postJson("/api/v1/recipes", Recipes.linux("by-host", url).toString());

    JsonNode artifact = createJob("by-host", "server03").json().get("artifact");

    assertThat(artifact.get("registry_host").asText()).isEqualTo(server.hostPort());
    assertThat(artifact.get("digest").asText()).isEqualTo(v1.digest().toString());
  }

  @Test
  void createWhenTheRecipesTagIsGoneAnswers422NamingRepositoryAndTag() throws Exception {
    registry.manifests().deleteTag(REPO, Tag.parse("22.04"));

    Response response = createJob("ubuntu", "server01");

    Api.assertError(
        response,
        422,
        "recipe",
        "the oci_url os-images/ubuntu-rootfs:22.04 of recipe ubuntu points at this registry, but"
            + " repository os-images/ubuntu-rootfs holds no tag 22.04",
        Api.missingTag(REPOSITORY + ":22.04", REPOSITORY, "22.04"));
    assertThat(http.get("/api/v1/jobs").json().get("jobs")).isEmpty();
    assertThat(registry.pins().list()).isEmpty();
  }

  @Test
  void createWithAnUnknownRecipeAnswers400NamingRecipe() throws Exception {
    Response response = createJob("nothing", "server01");

    assertThat(response.status()).isEqualTo(400);
    assertThat(Api.errorField(response)).isEqualTo("recipe");
  }

  @Test
  void createWithAnInvalidBodyAnswers400NamingTheField() throws Exception {
    record Case(String body, String field) {}
    for (Case c :
        List.of(
            new Case("{\"server\": \"s\"}", "recipe"),
            new Case("{\"recipe\": \"ubuntu\"}", "server"),
            new Case("{\"recipe\": \"ubuntu\", \"server\": \"\"}", "server"),
            new Case("{\"recipe\": \"ubuntu\", \"server\": 12}", "server"),
            new Case("{\"recipe\": \"ubuntu\", \"server\": \"a\\u0000b\"}", "server"),
            new Case("{\"recipe\": [\"ubuntu\"], \"server\": \"s\"}", "recipe"),
            new Case("{\"recipe\": \"ubuntu\", \"server\": \"s\", \"priority\": 1}", "priority"),
            new Case("{\"recipe\": ", null),
            new Case("[]", null))) {
      Response response = http.postJson("/api/v1/jobs", c.body());
      assertThat(response.status()).as(c.body()).isEqualTo(400);
      assertThat(Api.errorField(response)).as(c.body()).isEqualTo(c.field());
    }
    assertThat(http.get("/api/v1/jobs").json().get("jobs")).isEmpty();
  }

  @Test
  void unknownOrMalformedJobIdsAnswer404() throws Exception {
    for (String id :
        List.of(
            UUID.randomUUID().toString(),
            "not-a-uuid",
            UUID.randomUUID().toString().toUpperCase())) {
      Response get = http.get("/api/v1/jobs/" + id);
      Response status = http.postJson("/api/v1/jobs/" + id + "/status", "{\"state\": \"running\"}");
      assertThat(get.status()).as(id).isEqualTo(404);
      assertThat(status.status()).as(id).isEqualTo(404);
    }
  }

  @Test
  void listShowsJobsOldestFirstAndFiltersByState() throws Exception {
    String first = jobId("ubuntu", "server01");
    String second = jobId("ubuntu", "server02");
    String third = jobId("ubuntu", "server03");
    assertThat(status(second, "running", null).status()).isEqualTo(200);

    assertThat(ids(http.get("/api/v1/jobs"))).containsExactly(first, second, third);
    assertThat(ids(http.get("/api/v1/jobs?state=running"))).containsExactly(second);
    assertThat(ids(http.get("/api/v1/jobs?state=queued"))).containsExactly(first, third);
    assertThat(ids(http.get("/api/v1/jobs?state=succeeded"))).isEmpty();
    assertThat(ids(http.get("/api/v1/jobs?server=server03"))).containsExactly(third);
    assertThat(ids(http.get("/api/v1/jobs?recipe=ubuntu&state=queued")))
        .containsExactly(first, third);
  }

  @Test
  void listWithAnUnknownStateAnswers400NamingState() throws Exception {
    Response response = http.get("/api/v1/jobs?state=done");

    assertThat(response.status()).isEqualTo(400);
    assertThat(Api.errorField(response)).isEqualTo("state");
  }

  @Test
  void statusMovesQueuedToRunningToSucceededWithMessages() throws Exception {
    JsonNode created = createJob("ubuntu", "server01").json();
    String id = created.get("id").asText();

    Response running = status(id, "running", "partitioning /dev/sda");
    Response succeeded = status(id, "succeeded", null);

    assertThat(running.status()).isEqualTo(200);
    assertThat(running.json().get("state").asText()).isEqualTo("running");
    assertThat(running.json().get("message").asText()).isEqualTo("partitioning /dev/sda");
    assertThat(Instant.parse(running.json().get("updated_at").asText()))
        .isAfterOrEqualTo(Instant.parse(created.get("created_at").asText()));
    assertThat(succeeded.status()).isEqualTo(200);
    assertThat(succeeded.json().get("state").asText()).isEqualTo("succeeded");
    assertThat(succeeded.json().get("message").isNull()).isTrue();
    assertThat(succeeded.json().get("created_at")).isEqualTo(created.get("created_at"));
    assertThat(http.get("/api/v1/jobs/" + id).json()).isEqualTo(succeeded.json());
  }

  @Test
  void queuedJobMayFailWithoutRunning() throws Exception {
    String id = jobId("ubuntu", "server01");

    Response failed = status(id, "failed", "no disk /dev/sda");

    assertThat(failed.status()).isEqualTo(200);
    assertThat(failed.json().get("message").asText()).isEqualTo("no disk /dev/sda");
    assertThat(registry.pins().get("job-" + id)).isEmpty();
  }

  @Test
  void anEndedJobIsNoLongerPinnedAndSaysItReleasedItsPin() throws Exception {
    String id = jobId("ubuntu", "server01");
    status(id, "running", null);

    JsonNode artifact = status(id, "succeeded", "installed").json().get("artifact");

    assertThat(artifact.get("digest").asText()).isEqualTo(v1.digest().toString());
    assertThat(artifact.get("pinned").asBoolean()).isFalse();
    assertThat(artifact.get("reason").asText())
        .isEqualTo(
            "the job is succeeded: it released its pin on "
                + v1.digest()
                + " when it ended, so garbage collection may take the content once no tag holds"
                + " it");
    assertThat(registry.pins().list()).isEmpty();
  }

  @Test
  void illegalTransitionsAnswer409NamingStateAndChangeNothing() throws Exception {
    String queued = jobId("ubuntu", "q");
    String running = jobId("ubuntu", "r");
    status(running, "running", null);
    String succeeded = jobId("ubuntu", "s");
    status(succeeded, "running", null);
    status(succeeded, "succeeded", null);
    String failed = jobId("ubuntu", "f");
    status(failed, "failed", null);
    record Case(String id, String from, String to) {}

    for (Case c :
        List.of(
            new Case(queued, "queued", "queued"),
            new Case(queued, "queued", "succeeded"),
            new Case(running, "running", "queued"),
            new Case(running, "running", "running"),
            new Case(succeeded, "succeeded", "failed"),
            new Case(succeeded, "succeeded", "running"),
            new Case(succeeded, "succeeded", "succeeded"),
            new Case(failed, "failed", "running"),
            new Case(failed, "failed", "queued"))) {
      Response response = status(c.id(), c.to(), "should not stick");
      assertThat(response.status()).as(c.toString()).isEqualTo(409);
      assertThat(Api.errorField(response)).as(c.toString()).isEqualTo("state");
      JsonNode job = http.get("/api/v1/jobs/" + c.id()).json();
      assertThat(job.get("state").asText()).as(c.toString()).isEqualTo(c.from());
      assertThat(job.get("message").asText("")).isNotEqualTo("should not stick");
    }
  }

  @Test
  void statusWithAnUnknownOrMissingStateAnswers400() throws Exception {
    String id = jobId("ubuntu", "server01");
    record Case(String body, String field) {}

    for (Case c :
        List.of(
            new Case("{\"state\": \"done\"}", "state"),
            new Case("{\"state\": \"RUNNING\"}", "state"),
            new Case("{\"message\": \"hi\"}", "state"),
            new Case("{\"state\": 1}", "state"),
            new Case("{\"state\": \"running\", \"message\": 5}", "message"),
            new Case("{\"state\": \"running\", \"progress\": 5}", "progress"),
            new Case("running", null))) {
      Response response = http.postJson("/api/v1/jobs/" + id + "/status", c.body());
      assertThat(response.status()).as(c.body()).isEqualTo(400);
      assertThat(Api.errorField(response)).as(c.body()).isEqualTo(c.field());
    }
    assertThat(http.get("/api/v1/jobs/" + id).json().get("state").asText()).isEqualTo("queued");
  }

  @Test
  void concurrentStatusUpdatesOfOneJobAreSerialized() throws Exception {
    String id = jobId("ubuntu", "server01");
    int threads = 8;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String state = i % 2 == 0 ? "running" : "failed";
        results.add(
            executor.submit(
                () -> {
                  go.await();
                  return status(id, state, null).status();
                }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> result : results) {
        statuses.add(result.get());
      }

      // Whichever came first wins; after running, a failed may still win once.
      long ok = statuses.stream().filter(s -> s == 200).count();
      assertThat(ok).isBetween(1L, 2L);
      assertThat(statuses.stream().filter(s -> s != 200)).allMatch(s -> s == 409);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void pinnedArtifactSurvivesATagMoveAndGcUntilTheJobEnds() throws Exception {
    String id = jobId("ubuntu", "server01");
    Images.Image v2 = Images.push(registry, REPOSITORY, "22.04", "rootfs two");
    assertThat(registry.tags().resolve(REPO, Tag.parse("22.04"))).hasValue(v2.digest());

    registry.garbageCollector().collect(COLLECT_ALL);

    assertThat(registry.manifests().stat(REPO, Reference.of(v1.digest()))).isPresent();
    assertPresent(v1);
    assertThat(http.get("/v2/" + REPOSITORY + "/manifests/" + v1.digest()).status()).isEqualTo(200);
    assertThat(http.get("/v2/" + REPOSITORY + "/blobs/" + v1.layers().get(0).digest()).text())
        .isEqualTo("rootfs one");
    assertThat(taskDigest(id)).isEqualTo(v1.digest().toString());

    status(id, "running", null);
    status(id, "succeeded", "installed");
    assertThat(registry.pins().get("job-" + id)).isEmpty();
    registry.garbageCollector().collect(COLLECT_ALL);

    assertThat(registry.manifests().stat(REPO, Reference.of(v1.digest()))).isEmpty();
    assertGone(v1);
    assertPresent(v2);
  }

  @Test
  void pinnedManifestCannotBeDeletedUntilTheJobEndsAndIsThenCollected() throws Exception {
    String id = jobId("ubuntu", "server01");
    Images.push(registry, REPOSITORY, "22.04", "rootfs two");
    String manifestUrl = "/v2/" + REPOSITORY + "/manifests/" + v1.digest();

    Response refused = http.delete(manifestUrl);
    registry.garbageCollector().collect(COLLECT_ALL);

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.text()).contains("DENIED").contains("job-" + id);
    assertThat(http.get(manifestUrl).status()).isEqualTo(200);
    assertPresent(v1);

    status(id, "running", null);
    status(id, "failed", "disk error");
    assertThat(http.delete(manifestUrl).status()).isEqualTo(202);
    registry.garbageCollector().collect(COLLECT_ALL);

    assertThat(http.get(manifestUrl).status()).isEqualTo(404);
    assertThat(root.resolve("registry/blobs/sha256/" + v1.digest().hex())).doesNotExist();
    assertGone(v1);
  }

  @Test
  void jobsOfAnotherRecipeVersionKeepTheirOwnPin() throws Exception {
    String first = jobId("ubuntu", "server01");
    Images.Image v2 = Images.push(registry, REPOSITORY, "22.04", "rootfs two");
    String second = jobId("ubuntu", "server02");

    status(first, "failed", "disk error");
    registry.garbageCollector().collect(COLLECT_ALL);

    assertThat(registry.pins().get("job-" + second).map(Pin::digest)).hasValue(v2.digest());
    assertGone(v1);
    assertPresent(v2);
  }

  private Response createJob(String recipe, String server) throws Exception {
    return Api.createJob(http, recipe, server);
  }

  private String jobId(String recipe, String server) throws Exception {
    return Api.createdJobId(http, recipe, server);
  }

  private Response status(String id, String state, String message) throws Exception {
    ObjectNode body = Api.JSON.createObjectNode().put("state", state);
    if (message != null) {
      body.put("message", message);
    }
    return http.postJson("/api/v1/jobs/" + id + "/status", body.toString());
  }

  private String taskDigest(String id) throws Exception {
    return http.get("/media/tasks/" + id + "/task.json")
        .json()
        .get("artifact")
        .get("digest")
        .asText();
  }

  private static List<String> ids(Response list) {
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    list.json().get("jobs").forEach(job -> ids.add(job.get("id").asText()));
    return ids;
  }

  private void assertPresent(Images.Image image) throws Exception {
    for (Digest blob : blobs(image)) {
      assertThat(registry.blobs().stat(REPO, blob)).as(blob.toString()).isPresent();
    }
  }

  private void assertGone(Images.Image image) throws Exception {
    for (Digest blob : blobs(image)) {
      assertThat(registry.blobs().stat(REPO, blob)).as(blob.toString()).isEmpty();
    }
  }

  private static List<Digest> blobs(Images.Image image) {
    List<Digest> blobs = new ArrayList<>();
    blobs.add(image.config().digest());
    image.layers().forEach(layer -> blobs.add(layer.digest()));
    return blobs;
  }
}
