package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.core.gc.Pin;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No job goes unpinned silently: a recipe naming this registry by any address it answers at gives a
 * pinned job, one naming another registry gives a job that says why it pins nothing, and one naming
 * this registry with a tag it does not hold is refused, naming the repository and the tag. The
 * client reaches the server as {@code 127.0.0.1:<port>}.
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
        .contains(", at " + server.hostPort() + " (the Host of this request)")
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
