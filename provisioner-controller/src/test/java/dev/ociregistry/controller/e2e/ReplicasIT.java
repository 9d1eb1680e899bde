package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.Htpasswd;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestSecrets;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controller processes on one PostgreSQL database and one S3 bucket (both started here),
 * configured by environment as a site runs them; each request of a scenario goes to another
 * replica.
 */
class ReplicasIT {
  @TempDir static Path s3Directory;
  private static SharedStores stores;

  @TempDir Path workDir;
  private final List<JarProcess> replicas = new ArrayList<>();
  private Map<String, String> environment;

  @BeforeAll
  static void startStores() throws Exception {
    stores = SharedStores.start(s3Directory);
  }

  @AfterAll
  static void stopStores() throws Exception {
    stores.close();
  }

  @BeforeEach
  void startReplicas() throws Exception {
    environment = stores.newRegistry();
    environment.put("S3_PART_SIZE", "5MiB");
    environment.put("REGISTRY_GC_GRACE_PERIOD", "0s");
    for (int i = 0; i < 3; i++) {
      replicas.add(start(i));
    }
  }

  private JarProcess start(int replica) throws Exception {
    Path home = Files.createDirectories(workDir.resolve("replica-" + replica));
    Map<String, String> env = new HashMap<>(environment);
    env.put("DATA_DIR", home.resolve("data").toString());
    env.put("HOME", home.toString());
    return ControllerJar.startedOnAFreePort(home, env);
  }

  /** Stops the replicas and starts them again with {@code name=value} added to the environment. */
  private void restartReplicasWith(String name, String value) throws Exception {
    environment.put(name, value);
    stopReplicas();
    replicas.clear();
    for (int i = 0; i < 3; i++) {
      replicas.add(start(i));
    }
  }

  @AfterEach
  void stopReplicas() {
    replicas.forEach(JarProcess::close);
  }

  private TestHttp replica(int i) throws Exception {
    return new TestHttp(replicas.get(i % replicas.size()).base());
  }

  @Test
  void anImagePushedToOneReplicaIsServedByTheOthersWithEveryByteIntact() throws Exception {
    Blob layer = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(12 << 20, 3));
    Manifest image =
        new Pusher(replica(0))
            .image(
                "os-images/rootfs",
                "1",
                Artifacts.image().config(Artifacts.config("replicas")).layer(layer).build());

    TestHttp.Response manifest = replica(1).get("/v2/os-images/rootfs/manifests/1").expect(200);
    assertThat(manifest.header("Docker-Content-Digest")).contains(image.digest());
    byte[] pulled =
        replica(2).get("/v2/os-images/rootfs/blobs/" + layer.digest()).expect(200).body();
    assertThat(Digests.sha256(pulled)).isEqualTo(layer.digest());
    TestHttp.Response range =
        replica(1)
            .send(
                replica(1)
                    .request("/v2/os-images/rootfs/blobs/" + layer.digest())
                    .header("Range", "bytes=10000000-10000099"))
            .expect(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(layer.content(), 10_000_000, 10_000_100));
    JsonNode tags = replica(2).get("/v2/os-images/rootfs/tags/list").expect(200).json();
    assertThat(tags.path("tags").get(0).asText()).isEqualTo("1");
    assertThat(replica(0).get("/v2/_catalog").expect(200).text()).contains("os-images/rootfs");
  }

  @Test
  void aJobCreatedOnOneReplicaIsServedByAnotherAndItsPinHoldsAgainstACollectionOnTheThird()
      throws Exception {
    Manifest image =
        new Pusher(replica(0))
            .image(
                "os-images/ubuntu",
                "base",
                Artifacts.image()
                    .config(Artifacts.config("job"))
                    .layer(Artifacts.layer("job rootfs"))
                    .build());
    replica(1)
        .postJson(
            "/api/v1/recipes",
            "{\"name\":\"ubuntu\",\"task_target\":\"install-linux.target\","
                + "\"target_disk\":\"/dev/sda\",\"oci_url\":\"os-images/ubuntu:base\","
                + "\"partitions\":[{\"mount\":\"/\",\"size\":\"0\",\"fstype\":\"ext4\"}],"
                + "\"cloud_init\":{\"hostname\":\"m1\"}}")
        .expect(201);
    JsonNode job =
        replica(2)
            .postJson("/api/v1/jobs", "{\"recipe\":\"ubuntu\",\"server\":\"m1\"}")
            .expect(201)
            .json();
    String id = job.get("id").asText();
    assertThat(job.at("/artifact/digest").asText()).isEqualTo(image.digest());
    replica(0).delete("/v2/os-images/ubuntu/manifests/base").expect(202);

    assertThat(replica(0).get("/api/v1/jobs").expect(200).text()).contains(id);
    assertThat(replica(0).get("/api/v1/recipes/ubuntu").status()).isEqualTo(200);
    JsonNode task = replica(1).get("/media/tasks/" + id + "/task.json").expect(200).json();
    assertThat(task.at("/artifact/digest").asText()).isEqualTo(image.digest());

    replica(2).post("/admin/gc", new byte[0]).expect(200);
    for (Blob blob : image.blobs()) {
      assertThat(replica(0).get("/v2/os-images/ubuntu/blobs/" + blob.digest()).status())
          .as("a blob the job's pin keeps")
          .isEqualTo(200);
    }

    replica(1).postJson("/api/v1/jobs/" + id + "/status", "{\"state\":\"running\"}").expect(200);
    replica(2).postJson("/api/v1/jobs/" + id + "/status", "{\"state\":\"succeeded\"}").expect(200);
    assertThat(
            replica(0)
                .postJson("/api/v1/jobs/" + id + "/status", "{\"state\":\"running\"}")
                .status())
        .isEqualTo(409);
    JsonNode report = replica(1).post("/admin/gc", new byte[0]).expect(200).json();
    assertThat(report.get("manifests_deleted").asLong()).isEqualTo(1);
    for (Blob blob : image.blobs()) {
      assertThat(replica(2).get("/v2/os-images/ubuntu/blobs/" + blob.digest()).status())
          .isEqualTo(404);
    }
  }

  @Test
  void aJobCredentialIssuedThroughOneReplicaIsGoodOnEveryOther() throws Exception {
    String adminPassword = TestSecrets.password("admin");
    Path htpasswd = workDir.resolve("htpasswd");
    Htpasswd.set(htpasswd, "admin", adminPassword);
    Path policy =
        Files.copy(Path.of("../docs/examples/access-policy.json"), workDir.resolve("policy.json"));
    environment.put("REGISTRY_AUTH_MODE", "htpasswd");
    environment.put("REGISTRY_HTPASSWD_FILE", htpasswd.toString());
    // Each replica's data directory is its own: no key file is copied between them.
    restartReplicasWith("REGISTRY_ACCESS_POLICY_FILE", policy.toString());
    Manifest image =
        new Pusher(replica(0).withBasicAuth("admin", adminPassword))
            .image("provisioning-platform/ubuntu", "22.04", Artifacts.image("credential"));
    replica(1)
        .withBasicAuth("admin", adminPassword)
        .postJson(
            "/api/v1/recipes",
            "{\"name\":\"ubuntu\",\"task_target\":\"install-linux.target\","
                + "\"target_disk\":\"/dev/sda\","
                + "\"oci_url\":\"provisioning-platform/ubuntu:22.04\","
                + "\"partitions\":[{\"mount\":\"/\",\"size\":\"0\",\"fstype\":\"ext4\"}]}")
        .expect(201);
    String job =
        replica(2)
            .withBasicAuth("admin", adminPassword)
            .postJson("/api/v1/jobs", "{\"recipe\":\"ubuntu\",\"server\":\"m1\"}")
            .expect(201)
            .json()
            .path("id")
            .asText();
    JsonNode login =
        replica(0)
            .withBasicAuth("admin", adminPassword)
            .get("/media/tasks/" + job + "/task.json")
            .expect(200)
            .json()
            .path("registry");
    String password = login.path("password").asText();
    TestSecrets.record(password);

    for (int i = 0; i < 3; i++) {
      TestHttp machine = replica(i).withBasicAuth(login.path("username").asText(), password);
      assertThat(
              machine
                  .get("/v2/provisioning-platform/ubuntu/manifests/" + image.digest())
                  .expect(200)
                  .body())
          .as("the job's manifest through replica %d", i)
          .isEqualTo(image.content());
      assertThat(machine.get("/v2/provisioning-platform/ubuntu/manifests/22.04").status())
          .isEqualTo(403);
    }
    for (String state : List.of("running", "succeeded")) {
      replica(1)
          .withBasicAuth("admin", adminPassword)
          .postJson("/api/v1/jobs/" + job + "/status", "{\"state\":\"" + state + "\"}")
          .expect(200);
    }
    assertThat(
            replica(2)
                .withBasicAuth(login.path("username").asText(), password)
                .get("/v2/provisioning-platform/ubuntu/manifests/" + image.digest())
                .status())
        .as("a credential is refused on every replica once its job has ended")
        .isEqualTo(401);
    for (JarProcess replica : replicas) {
      assertThat(replica.log()).doesNotContain(password).doesNotContain(adminPassword);
    }
  }

  /**
   * The race online collection must win, across processes: a client checks that blobs exist (HEAD,
   * on one replica), a collection runs (on a second), the client pushes the manifest that
   * references them (on a third). The HEAD keeps them; blobs nobody asked for go, which shows the
   * collection did run.
   */
  @Test
  void aHeadOnOneReplicaKeepsItsBlobsFromACollectionOnAnotherForAPushOnTheThird() throws Exception {
    Duration grace = Duration.ofSeconds(3);
    restartReplicasWith("REGISTRY_GC_GRACE_PERIOD", grace.toSeconds() + "s");
    List<Manifest> images = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Manifest image =
          Artifacts.image()
              .config(Artifacts.config("race " + i))
              .layer(Artifacts.layer("race layer " + i))
              .build();
      for (Blob blob : image.blobs()) {
        new Pusher(replica(0)).blob("os-images/race", blob);
      }
      images.add(image);
    }
    Thread.sleep(grace.plusMillis(500).toMillis());
    List<Manifest> checked = images.subList(0, 4);
    List<Manifest> forgotten = images.subList(4, 8);
    for (Manifest image : checked) {
      for (Blob blob : image.blobs()) {
        replica(2).head("/v2/os-images/race/blobs/" + blob.digest()).expect(200);
      }
    }

    JsonNode report = replica(1).post("/admin/gc", new byte[0]).expect(200).json();
    for (int i = 0; i < checked.size(); i++) {
      new Pusher(replica(0)).manifest("os-images/race", "checked-" + i, checked.get(i));
    }

    assertThat(report.get("blobs_deleted").asLong())
        .as("the blobs nobody checked")
        .isEqualTo(2L * forgotten.size());
    for (Manifest image : forgotten) {
      for (Blob blob : image.blobs()) {
        assertThat(replica(1).head("/v2/os-images/race/blobs/" + blob.digest()).status())
            .isEqualTo(404);
      }
    }
    replica(1).post("/admin/gc", new byte[0]).expect(200);
    for (Manifest image : checked) {
      replica(1).get("/v2/os-images/race/manifests/" + image.digest()).expect(200);
      for (Blob blob : image.blobs()) {
        assertThat(
                Digests.sha256(
                    replica(2).get("/v2/os-images/race/blobs/" + blob.digest()).expect(200).body()))
            .isEqualTo(blob.digest());
      }
    }
  }

  @Test
  void anUploadStartedOnOneReplicaGoesOnThroughTheOthers() throws Exception {
    byte[] content = Artifacts.content(9 << 20, 9);
    String location = new Pusher(replica(0)).startUpload("windows/wim");
    int chunk = 3 << 20;
    for (int i = 0; i < 3; i++) {
      byte[] part = Arrays.copyOfRange(content, i * chunk, (i + 1) * chunk);
      TestHttp.Response patched =
          replica(i).patch(location, (i * chunk) + "-" + ((i + 1) * chunk - 1), part).expect(202);
      assertThat(patched.header("Range")).contains("0-" + ((i + 1) * chunk - 1));
    }
    String digest = Digests.sha256(content);
    replica(1)
        .send(
            replica(1)
                .request(location + "?digest=" + digest)
                .PUT(java.net.http.HttpRequest.BodyPublishers.noBody()))
        .expect(201);
    assertThat(Digests.sha256(replica(2).get("/v2/windows/wim/blobs/" + digest).expect(200).body()))
        .isEqualTo(digest);
  }

  @Test
  void anUploadWhoseReplicaIsKilledMidChunkIsFinishedOnAnother() throws Exception {
    byte[] content = Artifacts.content(8 << 20, 21);
    String location = new Pusher(replica(0)).startUpload("windows/killed");
    int first = 3 << 20;
    replica(0).patch(location, "0-" + (first - 1), Arrays.copyOf(content, first)).expect(202);

    // A chunk that stalls half way, then its replica dies.
    CompletableFuture<TestHttp.Response> stalled =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return replica(0).patchStreamed(location, () -> new StallingStream(content, first));
              } catch (Exception e) {
                return null;
              }
            });
    Thread.sleep(1500);
    replicas.get(0).kill();
    replicas.get(0).awaitExit(java.time.Duration.ofSeconds(30));
    stalled.cancel(true);

    TestHttp.Response status = replica(1).get(location).expect(204);
    String range = status.header("Range").orElseThrow();
    long offset = Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1;
    assertThat(offset).isEqualTo(first);
    replica(2).closeUpload(location, Digests.sha256(content), content, (int) offset).expect(201);
    assertThat(
            Digests.sha256(
                replica(1)
                    .get("/v2/windows/killed/blobs/" + Digests.sha256(content))
                    .expect(200)
                    .body()))
        .isEqualTo(Digests.sha256(content));

    // The killed replica comes back and serves what the others stored meanwhile.
    replicas.set(0, start(0));
    assertThat(replica(0).head("/v2/windows/killed/blobs/" + Digests.sha256(content)).status())
        .isEqualTo(200);
  }

  /** Gives {@code from..} of {@code content} up to 1 MiB past it, then blocks until closed. */
  private static final class StallingStream extends InputStream {
    private final byte[] content;
    private final int stopAt;
    private int position;

    StallingStream(byte[] content, int from) {
      this.content = content;
      this.position = from;
      this.stopAt = from + (1 << 20);
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= stopAt) {
        try {
          Thread.sleep(120_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return -1;
      }
      int n = Math.min(length, stopAt - position);
      System.arraycopy(content, position, buffer, offset, n);
      position += n;
      return n;
    }
  }
}
