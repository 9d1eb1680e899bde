package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Htpasswd;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.Skopeo;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's pull credential, as a machine being provisioned uses it: issued in {@code task.json},
 * good for the job's artifact only, refused everywhere else and once the job has ended.
 */
class JobCredentialIT {
  private static final String ADMIN_PASSWORD = TestSecrets.password("admin");

  @TempDir Path workDir;

  @Test
  void aJobCredentialPullsItsArtifactOnlyAndOnlyWhileTheJobIsActive() throws Exception {
    Path htpasswd = workDir.resolve("htpasswd");
    Htpasswd.set(htpasswd, "admin", ADMIN_PASSWORD);
    Path policy =
        Files.copy(Path.of("../docs/examples/access-policy.json"), workDir.resolve("policy.json"));
    Map<String, String> env =
        Map.of(
            "REGISTRY_AUTH_MODE",
            "htpasswd",
            "REGISTRY_HTPASSWD_FILE",
            htpasswd.toString(),
            "REGISTRY_ACCESS_POLICY_FILE",
            policy.toString(),
            "REGISTRY_ENABLE_AUDIT_LOG",
            "true");

    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, env)) {
      TestHttp anonymous = new TestHttp(controller.base());
      TestHttp admin = anonymous.withBasicAuth("admin", ADMIN_PASSWORD);
      Manifest image =
          new Pusher(admin)
              .image("provisioning-platform/ubuntu", "22.04", Artifacts.image("ubuntu"));
      Manifest other =
          new Pusher(admin).image("provisioning-platform/other", "1", Artifacts.image("other"));
      admin
          .postJson(
              "/api/v1/recipes",
              """
              {"name": "ubuntu", "task_target": "install-linux.target", "target_disk": "/dev/sda",
               "oci_url": "provisioning-platform/ubuntu:22.04",
               "partitions": [{"mount": "/", "size": "0", "fstype": "ext4"}]}
              """)
          .expect(201);
      String job =
          admin
              .postJson("/api/v1/jobs", "{\"recipe\": \"ubuntu\", \"server\": \"rack1-u7\"}")
              .expect(201)
              .json()
              .path("id")
              .asText();
      String otherJob =
          admin
              .postJson("/api/v1/jobs", "{\"recipe\": \"ubuntu\", \"server\": \"rack1-u8\"}")
              .expect(201)
              .json()
              .path("id")
              .asText();

      JsonNode login =
          admin.get("/media/tasks/" + job + "/task.json").expect(200).json().path("registry");
      String user = login.path("username").asText();
      String password = login.path("password").asText();
      TestSecrets.record(password);
      assertThat(user).isEqualTo("job-" + job);
      assertThat(password).hasSizeGreaterThan(40);
      assertThat(login.path("url").asText()).isEqualTo(controller.base().toString());
      assertThat(admin.get("/api/v1/jobs").text()).doesNotContain(password);
      assertThat(admin.get("/api/v1/jobs/" + job).text()).doesNotContain(password);

      TestHttp machine = anonymous.withBasicAuth(user, password);
      String repository = "/v2/provisioning-platform/ubuntu";
      assertThat(machine.get("/v2/").status()).isEqualTo(200);
      assertThat(machine.get(repository + "/manifests/" + image.digest()).body())
          .isEqualTo(image.content());
      for (Artifacts.Blob blob : image.blobs()) {
        assertThat(machine.get(repository + "/blobs/" + blob.digest()).body())
            .isEqualTo(blob.content());
      }
      assertThat(machine.get("/media/tasks/" + job + "/task.json").status()).isEqualTo(200);
      Path pulled = workDir.resolve("pulled");
      Skopeo.require(workDir.resolve("skopeo"))
          .run(
              "copy",
              "--preserve-digests",
              "--src-tls-verify=false",
              "--src-creds",
              user + ":" + password,
              "docker://"
                  + controller.base().getAuthority()
                  + "/provisioning-platform/ubuntu@"
                  + image.digest(),
              "oci:" + pulled + ":ubuntu");
      assertThat(Files.readString(pulled.resolve("index.json"))).contains(image.digest());

      assertThat(machine.get(repository + "/manifests/22.04").status()).isEqualTo(403);
      assertThat(
              machine.get("/v2/provisioning-platform/other/manifests/" + other.digest()).status())
          .isEqualTo(403);
      assertThat(machine.get(repository + "/blobs/" + other.blobs().get(1).digest()).status())
          .isEqualTo(403);
      assertThat(machine.post(repository + "/blobs/uploads/", new byte[0]).status()).isEqualTo(403);
      assertThat(machine.get("/media/tasks/" + otherJob + "/task.json").status()).isEqualTo(403);
      assertThat(machine.get("/api/v1/jobs").status()).isEqualTo(403);
      String machineLogin =
          "Authorization: Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))
              + "\r\n";
      for (String disguised :
          List.of(
              "GET /media/tasks/" + job + "/../" + otherJob + "/task.json",
              "GET /media/../api/v1/jobs",
              "GET /media/tasks/" + job + "/%2e%2e/" + otherJob + "/task.json")) {
        RawHttp.Response answer =
            RawHttp.exchange(
                controller.base(), disguised + " HTTP/1.1\r\n" + machineLogin, new byte[0]);
        assertThat(answer.status()).as(disguised).isIn(400, 403);
        assertThat(answer.text()).doesNotContain("password");
      }
      Htpasswd.set(htpasswd, "reader", ADMIN_PASSWORD + "-reader");
      JsonNode readersTask =
          anonymous
              .withBasicAuth("reader", ADMIN_PASSWORD + "-reader")
              .get("/media/tasks/" + job + "/task.json")
              .expect(200)
              .json();
      assertThat(readersTask.has("registry"))
          .as("a user who may only read the API gets no job credential")
          .isFalse();
      assertThat(anonymous.withBasicAuth(user, password + "x").get("/v2/").status()).isEqualTo(401);

      for (String state : List.of("running", "succeeded")) {
        admin
            .postJson("/api/v1/jobs/" + job + "/status", "{\"state\": \"" + state + "\"}")
            .expect(200);
      }
      assertThat(machine.get(repository + "/manifests/" + image.digest()).status()).isEqualTo(401);
      assertThat(controller.log()).doesNotContain(password).doesNotContain(ADMIN_PASSWORD);
      String audit = Files.readString(workDir.resolve("data/audit.log"));
      assertThat(audit).doesNotContain(password).doesNotContain(ADMIN_PASSWORD);
      assertThat(AuthenticationIT.auditLines(workDir.resolve("data/audit.log")))
          .filteredOn(line -> line.path("job").asText().equals(job))
          .extracting(line -> line.path("action").asText())
          .containsExactly("job-credential-issued", "job-credential-revoked");
    }
  }
}
