package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provisioning job pins the manifest its recipe resolved to: the tag moves, the old manifest
 * cannot be deleted and garbage collection keeps its content, until the job ends.
 */
class JobPinningIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path workDir;

  @Test
  void jobKeepsItsArtifactThroughATagMoveAndGcUntilItEnds() throws Exception {
    try (ControllerProcess controller =
        ControllerProcess.started(
            workDir,
            Map.of(
                "LISTEN_ADDR", "127.0.0.1:0",
                "REGISTRY_GC_GRACE_PERIOD", "0s",
                "REGISTRY_GC_DELETE_UNTAGGED", "true"))) {
      Client client = new Client(controller.base());
      byte[] oldLayer = "rootfs 22.04.1".getBytes();
      String oldManifest =
          client.pushImage("os-images/ubuntu-rootfs", "22.04", "{\"v\":1}".getBytes(), oldLayer);
      String oldLayerDigest = Client.sha256(oldLayer);

      HttpResponse<String> recipe =
          client.postJson(
              "/api/v1/recipes",
              "{\"name\":\"ubuntu-server\",\"task_target\":\"install-linux.target\","
                  + "\"target_disk\":\"/dev/sda\","
                  + "\"oci_url\":\"os-images/ubuntu-rootfs:22.04\","
                  + "\"partitions\":[{\"mount\":\"/\",\"size\":\"0\",\"fstype\":\"ext4\"}],"
                  + "\"cloud_init\":{\"hostname\":\"server01\"}}");
      Client.check(recipe, 201);
      HttpResponse<String> created =
          client.postJson("/api/v1/jobs", "{\"recipe\":\"ubuntu-server\",\"server\":\"server01\"}");
      Client.check(created, 201);
      JsonNode job = JSON.readTree(created.body());
      String jobId = job.get("id").asText();
      assertThat(job.get("state").asText()).isEqualTo("queued");
      assertThat(job.at("/artifact/digest").asText()).isEqualTo(oldManifest);

      String newManifest =
          client.pushImage(
              "os-images/ubuntu-rootfs",
              "22.04",
              "{\"v\":2}".getBytes(),
              "rootfs 22.04.2".getBytes());
      assertThat(newManifest).isNotEqualTo(oldManifest);
      HttpResponse<String> refused =
          client.delete("/v2/os-images/ubuntu-rootfs/manifests/" + oldManifest);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("DENIED").contains("job-" + jobId);

      Client.check(client.post("/admin/gc"), 200);
      assertThat(client.get("/v2/os-images/ubuntu-rootfs/blobs/" + oldLayerDigest).statusCode())
          .isEqualTo(200);
      JsonNode task = JSON.readTree(client.get("/media/tasks/" + jobId + "/task.json").body());
      assertThat(task.at("/artifact/digest").asText()).isEqualTo(oldManifest);
      assertThat(task.at("/target_disk").asText()).isEqualTo("/dev/sda");
      for (JsonNode blob : task.at("/artifact/blobs")) {
        assertThat(client.get(blob.get("url").asText()).statusCode())
            .as(blob.get("url").asText())
            .isEqualTo(200);
      }

      Client.check(
          client.postJson("/api/v1/jobs/" + jobId + "/status", "{\"state\":\"running\"}"), 200);
      Client.check(
          client.postJson(
              "/api/v1/jobs/" + jobId + "/status",
              "{\"state\":\"succeeded\",\"message\":\"installed\"}"),
          200);
      assertThat(
              client
                  .postJson("/api/v1/jobs/" + jobId + "/status", "{\"state\":\"running\"}")
                  .statusCode())
          .isEqualTo(409);

      JsonNode report = JSON.readTree(client.post("/admin/gc").body());
      assertThat(report.get("manifests_deleted").asLong()).isEqualTo(1);
      assertThat(client.get("/v2/os-images/ubuntu-rootfs/blobs/" + oldLayerDigest).statusCode())
          .isEqualTo(404);
      assertThat(
              client
                  .get("/v2/os-images/ubuntu-rootfs/manifests/22.04")
                  .headers()
                  .firstValue("Docker-Content-Digest"))
          .hasValue(newManifest);
    }
  }
}
