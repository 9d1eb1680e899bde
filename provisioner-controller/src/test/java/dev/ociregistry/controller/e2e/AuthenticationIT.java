package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Htpasswd;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import dev.ociregistry.testkit.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller jar with authentication on, as an operator turns it on: users from Debian's {@code
 * htpasswd -B}, the shipped policy, and every route: {@code /v2}, {@code /api/v1}, {@code /media},
 * {@code /admin}, {@code /metrics} and the health checks.
 */
class AuthenticationIT {
  private static final Path EXAMPLE_POLICY = Path.of("../docs/examples/access-policy.json");
  private static final String ALICE_PASSWORD = TestSecrets.password("alice");
  private static final String ADMIN_PASSWORD = TestSecrets.password("admin");
  private static final String RECIPE =
      """
      {"name": "ubuntu", "task_target": "install-linux.target", "target_disk": "/dev/sda",
       "oci_url": "provisioning-test/ubuntu:22.04",
       "partitions": [{"mount": "/", "size": "0", "fstype": "ext4"}]}
      """;

  @TempDir Path workDir;

  @Test
  void everyRouteFollowsTheUsersAndThePolicy() throws Exception {
    Path htpasswd = workDir.resolve("htpasswd");
    Htpasswd.set(htpasswd, "alice", ALICE_PASSWORD);
    Htpasswd.set(htpasswd, "admin", ADMIN_PASSWORD);
    Path policy = Files.copy(EXAMPLE_POLICY, workDir.resolve("policy.json"));
    Files.createDirectories(workDir.resolve("data/media"));
    Files.writeString(workDir.resolve("data/media/boot.ipxe"), "#!ipxe");

    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir,
            Map.of(
                "REGISTRY_AUTH_MODE",
                "htpasswd",
                "REGISTRY_HTPASSWD_FILE",
                htpasswd.toString(),
                "REGISTRY_ACCESS_POLICY_FILE",
                policy.toString(),
                "REGISTRY_ENABLE_AUDIT_LOG",
                "true"))) {
      TestHttp anonymous = new TestHttp(controller.base());
      TestHttp alice = anonymous.withBasicAuth("alice", ALICE_PASSWORD);
      TestHttp admin = anonymous.withBasicAuth("admin", ADMIN_PASSWORD);

      Response challenge = anonymous.get("/v2/");
      assertThat(challenge.status()).isEqualTo(401);
      assertThat(challenge.header("WWW-Authenticate")).contains("Basic realm=\"oci-registry\"");
      assertThat(alice.get("/v2/").status()).isEqualTo(200);
      new Pusher(alice).image("provisioning-test/ubuntu", "22.04", Artifacts.image("ubuntu"));
      assertThat(anonymous.get("/v2/provisioning-test/ubuntu/manifests/22.04").status())
          .isEqualTo(200);
      assertThat(alice.post("/v2/provisioning-platform/x/blobs/uploads/", new byte[0]).status())
          .isEqualTo(403);

      Response apiRefused = anonymous.get("/api/v1/recipes");
      assertThat(apiRefused.status()).isEqualTo(401);
      assertThat(apiRefused.header("WWW-Authenticate")).isPresent();
      assertThat(apiRefused.json().path("error").path("message").asText()).contains("log in");
      assertThat(alice.get("/api/v1/recipes").status()).isEqualTo(200);
      assertThat(alice.postJson("/api/v1/recipes", RECIPE).status()).isEqualTo(403);
      admin.postJson("/api/v1/recipes", RECIPE).expect(201);

      assertThat(anonymous.get("/media/boot.ipxe").status()).isEqualTo(401);
      assertThat(alice.get("/media/boot.ipxe").text()).isEqualTo("#!ipxe");

      assertThat(alice.post("/admin/gc?dryRun=true", new byte[0]).status()).isEqualTo(403);
      String aliceLogin =
          "Authorization: Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(("alice:" + ALICE_PASSWORD).getBytes(StandardCharsets.UTF_8))
              + "\r\n";
      for (String disguised :
          List.of(
              "POST /media/../admin/gc?dryRun=true",
              "POST /media/x/../../admin/gc?dryRun=true",
              "POST /%61dmin/gc?dryRun=true",
              "POST /media/../api/v1/recipes")) {
        RawHttp.Response answer =
            RawHttp.exchange(
                controller.base(),
                disguised + " HTTP/1.1\r\n" + aliceLogin + "Content-Length: 0\r\n",
                new byte[0]);
        assertThat(answer.status()).as(disguised).isEqualTo(403);
      }
      assertThat(admin.post("/admin/gc?dryRun=true", new byte[0]).status()).isEqualTo(200);

      assertThat(anonymous.get("/metrics").status()).isEqualTo(200);
      assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
      assertThat(anonymous.get("/readyz").status()).isEqualTo(200);
      assertThat(controller.log()).contains("auth htpasswd with policy");
      new Pusher(alice).image("provisioning-test/ubuntu", "22.04", Artifacts.image("24.04"));
      anonymous.get("/v2/provisioning-test/ubuntu/manifests/22.04").expect(200);
      admin.post("/admin/gc", new byte[0]).expect(200);
    }

    List<JsonNode> audit = auditLines(workDir.resolve("data/audit.log"));
    assertThat(audit)
        .extracting(line -> line.path("action").asText())
        .contains("push", "tag-move", "pull", "denied", "gc");
    JsonNode push =
        audit.stream()
            .filter(line -> line.path("action").asText().equals("push"))
            .findFirst()
            .get();
    assertThat(push.path("user").asText()).isEqualTo("alice");
    assertThat(push.path("repository").asText()).isEqualTo("provisioning-test/ubuntu");
    assertThat(push.path("tag").asText()).isEqualTo("22.04");
    assertThat(push.path("digest").asText()).startsWith("sha256:");
    assertThat(push.path("client").asText()).isEqualTo("127.0.0.1");
    assertThat(push.path("status").asInt()).isEqualTo(201);
    JsonNode moved =
        audit.stream()
            .filter(line -> line.path("action").asText().equals("tag-move"))
            .findFirst()
            .get();
    assertThat(moved.path("previous_digest").asText()).isEqualTo(push.path("digest").asText());
    assertThat(audit)
        .filteredOn(line -> line.path("action").asText().equals("denied"))
        .extracting(line -> line.path("status").asInt())
        .contains(401, 403);
    assertThat(Files.readString(workDir.resolve("data/audit.log")))
        .doesNotContain(ALICE_PASSWORD)
        .doesNotContain(ADMIN_PASSWORD)
        .doesNotContain("Basic ");
  }

  static List<JsonNode> auditLines(Path file) throws Exception {
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line));
    }
    return lines;
  }

  @Test
  void basicModeTakesItsPasswordFromAFileAndMetricsCanNeedALogin() throws Exception {
    String secret = TestSecrets.password("provisioner");
    Path password = Files.writeString(workDir.resolve("password"), secret + "\n");

    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir,
            Map.of(
                "REGISTRY_AUTH_MODE", "basic",
                "REGISTRY_BASIC_USER", "provisioner",
                "REGISTRY_BASIC_PASSWORD_FILE", password.toString(),
                "METRICS_AUTH", "true",
                "ACCESS_LOG_PATH", workDir.resolve("access.log").toString()))) {
      TestHttp anonymous = new TestHttp(controller.base());
      TestHttp provisioner = anonymous.withBasicAuth("provisioner", secret);

      assertThat(provisioner.get("/v2/").status()).isEqualTo(200);
      assertThat(anonymous.withBasicAuth("provisioner", secret + "\n").get("/v2/").status())
          .isEqualTo(401);
      new Pusher(provisioner).image("any/where", "1", Artifacts.image("any"));
      assertThat(provisioner.post("/admin/gc?dryRun=true", new byte[0]).status()).isEqualTo(200);
      assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
      assertThat(provisioner.get("/metrics").status()).isEqualTo(200);
      assertThat(controller.log())
          .doesNotContain(secret)
          .contains("auth basic")
          .contains("gc every 1h with grace 1d, collecting untagged manifests")
          .contains("8 uploads at once (waiting up to 1m)")
          .contains("access log " + workDir.resolve("access.log"));
      dev.ociregistry.testkit.Await.until(
          "the access log to show the metrics request",
          () -> {
            try {
              return Files.readString(workDir.resolve("access.log"))
                  .contains("\"GET /metrics HTTP/1.1\" 200");
            } catch (java.io.IOException e) {
              return false;
            }
          });
      assertThat(Files.readString(workDir.resolve("access.log")))
          .contains("\"GET /metrics HTTP/1.1\" 401")
          .doesNotContain(secret)
          .doesNotContain("Basic ");
    }
  }

  @Test
  void unusableUsersOrPolicyStopStartUpNamingTheFileAndLine() throws Exception {
    Path htpasswd = workDir.resolve("htpasswd");
    Htpasswd.set(htpasswd, "alice", ALICE_PASSWORD);
    TestSecrets.record("old-Secret-4");
    TestSecrets.record("p-Secret-5");
    Htpasswd.setWith(htpasswd, "-m", "old", "old-Secret-4");
    Path policy = Files.writeString(workDir.resolve("policy.json"), "{\n  \"owners\": []\n}\n");

    for (Map<String, String> env :
        List.of(
            Map.of("REGISTRY_AUTH_MODE", "htpasswd", "REGISTRY_HTPASSWD_FILE", htpasswd.toString()),
            Map.of(
                "REGISTRY_AUTH_MODE", "basic",
                "REGISTRY_BASIC_USER", "u",
                "REGISTRY_BASIC_PASSWORD", "p-Secret-5",
                "REGISTRY_ACCESS_POLICY_FILE", policy.toString()))) {
      try (JarProcess controller = ControllerJar.start(workDir, ControllerJar.onAFreePort(env))) {
        assertThat(controller.awaitExit(Duration.ofSeconds(60))).as(controller.log()).isEqualTo(2);
        assertThat(controller.log())
            .containsAnyOf(
                htpasswd + ":2: user old has a weak password hash",
                policy + ":2: unknown field \"owners\"")
            .doesNotContain("old-Secret-4")
            .doesNotContain("p-Secret-5");
      }
    }
  }
}
