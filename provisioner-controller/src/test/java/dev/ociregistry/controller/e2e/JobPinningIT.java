package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provisioning job pins the manifest its recipe resolved to: the tag moves, the old manifest
 * cannot be deleted and garbage collection keeps its content, until the job ends.
 */
class JobPinningIT {
  @TempDir Path workDir;

  @Test
  void jobKeepsItsArtifactThroughATagMoveAndGcUntilItEnds() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir,
            Map.of("REGISTRY_GC_GRACE_PERIOD", "0s", "REGISTRY_GC_DELETE_UNTAGGED", "true"))) {
      TestHttp http = new TestHttp(controller.base());
      Pusher pusher = new Pusher(http);
      Blob oldLayer = Artifacts.layer("rootfs 22.04.1");
      String oldManifest =
          pusher
              .image(
                  "os-images/ubuntu-rootfs",
                  "22.04",
                  Artifacts.image().config(Artifacts.config("1")).layer(oldLayer).build())
              .digest();

      http.postJson(
              "/api/v1/recipes",
              "{\"name\":\"ubuntu-server\",\"task_target\":\"install-linux.target\","
                  + "\"target_disk\":\"/dev/sda\","
                  + "\"oci_url\":\"os-images/ubuntu-rootfs:22.04\","
                  + "\"partitions\":[{\"mount\":\"/\",\"size\":\"0\",\"fstype\":\"ext4\"}],"
                  + "\"cloud_init\":{\"hostname\":\"server01\"}}")
          .expect(201);
      JsonNode job =
          http.postJson("/api/v1/jobs", "{\"recipe\":\"ubuntu-server\",\"server\":\"server01\"}")
              .expect(201)
              .json();
      String jobId = job.get("id").asText();
      assertThat(job.get("state").asText()).isEqualTo("queued");
      assertThat(job.at("/artifact/digest").asText()).isEqualTo(oldManifest);

      Manifest newManifest =
          pusher.image(
              "os-images/ubuntu-rootfs",
              "22.04",
              Artifacts.image()
                  .config(Artifacts.config("2"))
                  .layer(Artifacts.layer("rootfs 22.04.2"))
                  .build());
      assertThat(newManifest.digest()).isNotEqualTo(oldManifest);
      Response refused = http.delete("/v2/os-images/ubuntu-rootfs/manifests/" + oldManifest);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.text()).contains("DENIED").contains("job-" + jobId);

      http.post("/admin/gc", new byte[0]).expect(200);
      assertThat(http.get("/v2/os-images/ubuntu-rootfs/blobs/" + oldLayer.digest()).status())
          .isEqualTo(200);
      JsonNode task = http.get("/media/tasks/" + jobId + "/task.json").json();
      assertThat(task.at("/artifact/digest").asText()).isEqualTo(oldManifest);
      assertThat(task.at("/target_disk").asText()).isEqualTo("/dev/sda");
      assertThat(task.at("/artifact/blobs")).as("the config and the layer").hasSize(2);
      for (JsonNode blob : task.at("/artifact/blobs")) {
        assertThat(http.get(blob.get("url").asText()).status())
            .as(blob.get("url").asText())
            .isEqualTo(200);
      }

      http.postJson("/api/v1/jobs/" + jobId + "/status", "{\"state\":\"running\"}").expect(200);
      http.postJson(
              "/api/v1/jobs/" + jobId + "/status",
              "{\"state\":\"succeeded\",\"message\":\"installed\"}")
          .expect(200);
      assertThat(
              http.postJson("/api/v1/jobs/" + jobId + "/status", "{\"state\":\"running\"}")
                  .status())
          .isEqualTo(409);

      JsonNode report = http.post("/admin/gc", new byte[0]).json();
      assertThat(report.get("manifests_deleted").asLong()).isEqualTo(1);
      assertThat(http.get("/v2/os-images/ubuntu-rootfs/blobs/" + oldLayer.digest()).status())
          .isEqualTo(404);
      assertThat(
              http.get("/v2/os-images/ubuntu-rootfs/manifests/22.04")
                  .header("Docker-Content-Digest"))
          .hasValue(newManifest.digest());
    }
  }
}
