package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.controller.credentials.JobTokens;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No job goes unpinned silently: a recipe naming this registry by any address it answers at gives a
 * pinned job, one naming another registry gives a job that says why it pins nothing, and one naming
 * this registry with a tag it does not hold is refused, naming the repository and the tag. The
 * client reaches the server as {@code 127.0.0.1:<port>}. Only configured addresses decide: a
 * request's {@code Host} never makes an {@code oci_url} local, each job decides anew, and none
 * waits for the host's name to resolve.
 */
class JobLocalityTest {
  private static final String REPOSITORY = "os-images/ubuntu-rootfs";

  @TempDir Path root;

  private ApiTestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRecipeNamingThisRegistryAsLocalhostWhileReachedAs127001GivesAPinnedJob() throws Exception {
    Images.Image image = startWithImage(ApiTestServer.LOOPBACK);
    String url = "localhost:" + server.port() + "/" + REPOSITORY + ":22.04";

    JsonNode job = jobOf(url);

    assertPinned(job, image, "localhost:" + server.port());
  }

  @Test
  void aRecipeNamingThisRegistryAs127001GivesAPinnedJob() throws Exception {
    Images.Image image = startWithImage(ApiTestServer.LOOPBACK);

    JsonNode job = jobOf(server.hostPort() + "/" + REPOSITORY + ":22.04");

    assertPinned(job, image, server.hostPort());
  }

  @Test
  void aRecipeNamingLocalhostOnAnotherPortGivesAnUnpinnedJobSayingWhichPortThisIs()
      throws Exception {
    startWithImage(ApiTestServer.LOOPBACK);
    int other = server.port() == 5000 ? 5001 : 5000;
    String url = "localhost:" + other + "/" + REPOSITORY + ":22.04";

    JsonNode artifact = jobOf(url).get("artifact");

    assertThat(artifact.get("digest").isNull()).isTrue();
    assertThat(artifact.get("pinned").asBoolean()).isFalse();
    assertThat(artifact.get("reason").asText())
        .isEqualTo(
            "the oci_url's host localhost:"
                + other
                + " is this machine, but this registry listens on port "
                + server.port()
                + ", so it names another server; if a proxy forwards localhost:"
                + other
                + " to this registry, add it to REGISTRY_PUBLIC_HOSTS; the job pins nothing, and"
                + " the machine pulls "
                + url
                + " itself");
    assertThat(server.registry().pins().list()).isEmpty();
  }

  @Test
  void aRecipeOfAForeignHostGivesAnUnpinnedJobNamingTheAddressesThisRegistryAnswersAt()
      throws Exception {
    startWithImage(ApiTestServer.LOOPBACK);
    String url = "registry.example.com/" + REPOSITORY + ":22.04";

    JsonNode artifact = jobOf(url).get("artifact");

    assertThat(artifact.get("registry_host").asText()).isEqualTo("registry.example.com");
    assertThat(artifact.get("digest").isNull()).isTrue();
    assertThat(artifact.get("pinned").asBoolean()).isFalse();
    assertThat(artifact.get("reason").asText())
        .startsWith(
            "the oci_url's host registry.example.com is not an address of this registry, which"
                + " answers at port "
                + server.port()
                + " of localhost, 127.0.0.1")
        .doesNotContain("(the Host")
        .endsWith(
            " and at REGISTRY_PUBLIC_HOSTS (none); if registry.example.com reaches this registry,"
                + " add it to REGISTRY_PUBLIC_HOSTS; the job pins nothing, and the machine pulls "
                + url
                + " itself");
    assertThat(server.registry().pins().list()).isEmpty();
  }

  @Test
  void aRecipeNamingThisRegistryAsLocalhostWithATagItLacksIsRefused422() throws Exception {
    startWithImage(ApiTestServer.LOOPBACK);
    String url = "localhost:" + server.port() + "/" + REPOSITORY + ":24.04";

    Response refused =
        server.http().postJson("/api/v1/recipes", Recipes.linux("ubuntu", url).toString());

    Api.assertError(
        refused,
        422,
        "oci_url",
        "oci_url "
            + url
            + " points at this registry, but repository "
            + REPOSITORY
            + " holds no tag 24.04",
        Api.missingTag(url, REPOSITORY, "24.04"));
  }

  @Test
  void aJobWhoseLocalhostTagWasRemovedIsRefused422NamingRepositoryAndTagAndPinsNothing()
      throws Exception {
    startWithImage(ApiTestServer.LOOPBACK);
    String url = "localhost:" + server.port() + "/" + REPOSITORY + ":22.04";
    server.http().postJson("/api/v1/recipes", Recipes.linux("ubuntu", url).toString()).expect(201);
    server.registry().manifests().deleteTag(RepositoryName.parse(REPOSITORY), Tag.parse("22.04"));

    Response refused = Api.createJob(server.http(), "ubuntu", "server01");

    Api.assertError(
        refused,
        422,
        "recipe",
        "the oci_url "
            + url
            + " of recipe ubuntu points at this registry, but repository "
            + REPOSITORY
            + " holds no tag 22.04",
        Api.missingTag(url, REPOSITORY, "22.04"));
    assertThat(server.http().get("/api/v1/jobs").json().get("jobs")).isEmpty();
    assertThat(server.registry().pins().list()).isEmpty();
  }

  @Test
  void listeningOnEveryAddressTheHostsOwnAddressesAndNameGivePinnedJobs() throws Exception {
    Images.Image image = startWithImage("0.0.0.0");
    Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "[::1]", "127.0.0.1"));
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (network.isUp()) {
        for (InetAddress address : Collections.list(network.getInetAddresses())) {
          hosts.add(RegistryAddresses.literal(address));
        }
      }
    }
    hosts.add(InetAddress.getLocalHost().getHostName());

    for (String host : hosts) {
      String hostPort = host + ":" + server.port();
      JsonNode job = jobOf(hostPort + "/" + REPOSITORY + ":22.04");
      assertThat(job.at("/artifact/pinned").asBoolean()).as(hostPort).isTrue();
      assertThat(job.at("/artifact/digest").asText())
          .as(hostPort)
          .isEqualTo(image.digest().toString());
    }
  }

  @Test
  void listeningOnLoopbackOnlyTheIpv6LoopbackIsAnotherServer() throws Exception {
    startWithImage(ApiTestServer.LOOPBACK);

    JsonNode artifact =
        jobOf("[::1]:" + server.port() + "/" + REPOSITORY + ":22.04").get("artifact");

    assertThat(artifact.get("pinned").asBoolean()).isFalse();
    assertThat(artifact.get("reason").asText())
        .startsWith(
            "the oci_url's host [::1]:" + server.port() + " is not an address of this registry");
  }

  @Test
  void aRecipeStoredAsForeignBeforeItsAddressWasKnownGivesAPinnedJobNow() throws Exception {
    Images.Image image = startWithImage(ApiTestServer.LOOPBACK);
    String url = "localhost:" + server.port() + "/" + REPOSITORY + ":22.04";
    Path file = root.resolve("provisioning/recipes/old.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, "{\"recipe\": " + Recipes.linux("old", url) + ", \"oci_url_points_here\": false}");
    int port = server.port();
    server.close();
    server = null;
    // The same port again is not guaranteed; the recipe names localhost with the port it had,
    // so a server on another port would be right to call it another server. Restart on it.
    server = ApiTestServer.startOnPort(root, port);

    JsonNode job = jobOf(Optional.empty(), "old");

    assertPinned(job, image, "localhost:" + port);
  }

  @Test
  void aRecipeAndJobSentWithHostQuayIoNamingQuayIoPinNothingAndSayWhy() throws Exception {
    startWithImage(ApiTestServer.LOOPBACK);
    Images.push(server.registry(), "x", "y", "this registry's x:y");

    RawHttp.Response recipe =
        sentTo("quay.io", "POST", "/api/v1/recipes", Recipes.linux("quay", "quay.io/x:y"));
    assertThat(recipe.status()).as(recipe.toString()).isEqualTo(201);
    RawHttp.Response created =
        sentTo(
            "quay.io",
            "POST",
            "/api/v1/jobs",
            Api.JSON.createObjectNode().put("recipe", "quay").put("server", "server01"));

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonNode artifact = Api.JSON.readTree(created.content()).get("artifact");
    assertThat(artifact.get("registry_host").asText()).isEqualTo("quay.io");
    assertThat(artifact.get("digest").isNull()).isTrue();
    assertThat(artifact.get("pinned").asBoolean()).isFalse();
    assertThat(artifact.get("reason").asText())
        .startsWith("the oci_url's host quay.io is not an address of this registry")
        .contains(
            "; this request was sent to Host quay.io, but the Host a client names does not make"
                + " an oci_url local; if quay.io reaches this registry, add it to"
                + " REGISTRY_PUBLIC_HOSTS; the job pins nothing, and the machine pulls quay.io/x:y"
                + " itself");
    assertThat(server.registry().pins().list()).isEmpty();
    JsonNode again = Api.createJob(server.http(), "quay", "server02").expect(201).json();
    assertThat(again.at("/artifact/pinned").asBoolean()).isFalse();
  }

  @Test
  void aRecipeFileThatSaysItsOciUrlPointsHereIsJudgedAgainForEachJob() throws Exception {
    startWithImage(ApiTestServer.LOOPBACK);
    Images.push(server.registry(), "x", "y", "this registry's x:y");
    Path file = root.resolve("provisioning/recipes/quay.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        "{\"recipe\": "
            + Recipes.linux("quay", "quay.io/x:y")
            + ", \"oci_url_points_here\": true}");
    server.close();
    server = null;
    server = ApiTestServer.start(root, true, List.of());

    JsonNode artifact = jobOf(Optional.empty(), "quay").get("artifact");

    assertThat(artifact.get("pinned").asBoolean()).isFalse();
    assertThat(artifact.get("reason").asText())
        .startsWith("the oci_url's host quay.io is not an address of this registry");
    assertThat(server.registry().pins().list()).isEmpty();
    assertThat(server.http().get("/api/v1/recipes/quay").expect(200).json())
        .isEqualTo(Recipes.linux("quay", "quay.io/x:y"));
  }

  @Test
  void onlyAJobPinnedHereGetsThisRegistrysCredentialInItsTask() throws Exception {
    server =
        ApiTestServer.start(
            root,
            ApiTestServer.LOOPBACK,
            RegistryAddresses.of(ApiTestServer.LOOPBACK, List.of()),
            Optional.of(JobTokens.open(root.resolve("job-credentials.key"))));
    Images.push(server.registry(), REPOSITORY, "22.04", "rootfs");
    String local = jobOf(REPOSITORY + ":22.04").get("id").asText();
    String foreign = jobOf("quay.io/" + REPOSITORY + ":22.04").get("id").asText();

    JsonNode localTask = server.http().get("/media/tasks/" + local + "/task.json").json();
    JsonNode foreignTask = server.http().get("/media/tasks/" + foreign + "/task.json").json();

    assertThat(localTask.at("/registry/username").asText()).isEqualTo("job-" + local);
    assertThat(foreignTask.has("registry"))
        .as("a machine pulling from quay.io is not handed this registry's credential")
        .isFalse();
    assertThat(foreignTask.at("/artifact/registry_host").asText()).isEqualTo("quay.io");
  }

  @Test
  void aJobIsCreatedWithoutWaitingForTheHostsNameAndTheNameCountsOnceKnown() throws Exception {
    CountDownLatch resolverAnswers = new CountDownLatch(1);
    RegistryAddresses addresses =
        RegistryAddresses.of(
            "0.0.0.0",
            List.of(),
            () -> {
              resolverAnswers.await();
              return InetAddress.getByAddress("node-under-test", new byte[] {127, 0, 0, 1});
            },
            Duration.ofMillis(50));
    try {
      server = ApiTestServer.start(root, "0.0.0.0", addresses, Optional.empty());
      Images.Image image = Images.push(server.registry(), REPOSITORY, "22.04", "rootfs");
      String byName = "node-under-test:" + server.port() + "/" + REPOSITORY + ":22.04";

      JsonNode whileResolving =
          assertTimeoutPreemptively(Duration.ofSeconds(10), () -> jobOf(byName));
      assertThat(whileResolving.at("/artifact/pinned").asBoolean()).isFalse();
      JsonNode byLoopback =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10),
              () -> jobOf("localhost:" + server.port() + "/" + REPOSITORY + ":22.04"));
      assertThat(byLoopback.at("/artifact/pinned").asBoolean()).isTrue();

      resolverAnswers.countDown();
      Await.until(
          "the host's name is known",
          Duration.ofSeconds(10),
          () -> addresses.names().contains("node-under-test"));
      String recipe = "r" + Integer.toHexString(byName.hashCode());
      assertPinned(jobOf(Optional.empty(), recipe), image, "node-under-test:" + server.port());
    } finally {
      resolverAnswers.countDown();
    }
  }

  /** Sends {@code body} with {@code method} to {@code path}, naming {@code host} as its Host. */
  private RawHttp.Response sentTo(String host, String method, String path, JsonNode body)
      throws Exception {
    byte[] content = body.toString().getBytes(StandardCharsets.UTF_8);
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + content.length
            + "\r\nConnection: close\r\n\r\n";
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(head.getBytes(StandardCharsets.ISO_8859_1));
    request.write(content);
    return RawHttp.send(server.base(), request.toByteArray(), false);
  }

  private Images.Image startWithImage(String listenHost) throws Exception {
    server = ApiTestServer.start(root, true, List.of(), listenHost);
    return Images.push(server.registry(), REPOSITORY, "22.04", "rootfs");
  }

  private JsonNode jobOf(String ociUrl) throws Exception {
    return jobOf(Optional.of(ociUrl), "r" + Integer.toHexString(ociUrl.hashCode()));
  }

  /** Creates the recipe (when {@code ociUrl} is given) and a job of it; returns the job. */
  private JsonNode jobOf(Optional<String> ociUrl, String recipe) throws Exception {
    TestHttp http = server.http();
    if (ociUrl.isPresent()) {
      http.postJson("/api/v1/recipes", Recipes.linux(recipe, ociUrl.get()).toString()).expect(201);
    }
    return Api.createJob(http, recipe, "server01").expect(201).json();
  }

  private void assertPinned(JsonNode job, Images.Image image, String registryHost)
      throws Exception {
    JsonNode artifact = job.get("artifact");
    assertThat(artifact.get("registry_host").asText()).isEqualTo(registryHost);
    assertThat(artifact.get("digest").asText()).isEqualTo(image.digest().toString());
    assertThat(artifact.get("pinned").asBoolean()).isTrue();
    assertThat(artifact.get("reason").isNull()).isTrue();
    String id = job.get("id").asText();
    assertThat(server.registry().pins().get("job-" + id))
        .hasValue(new Pin("job-" + id, RepositoryName.parse(REPOSITORY), image.digest()));
  }
}
