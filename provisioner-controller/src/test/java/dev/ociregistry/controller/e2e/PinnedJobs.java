package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;

/** Content that only a job's pin keeps: the stress and backup proofs check it survives. */
final class PinnedJobs {
  private PinnedJobs() {}

  /** A job and the image it pins. */
  record PinnedJob(String id, Manifest image) {}

  /**
   * Pushes an image (one of its layers {@code sharedLayer}) as {@code <repository>:base}, creates a
   * recipe and a job on it, checks the job pinned it, then deletes the tag.
   */
  static PinnedJob pinAnImageAndDropItsTag(TestHttp http, String repository, Blob sharedLayer)
      throws IOException {
    Manifest image =
        new Pusher(http)
            .image(
                repository,
                "base",
                Artifacts.image()
                    .config(Artifacts.config("pinned"))
                    .layer(sharedLayer)
                    .layer(Artifacts.layer("pinned only"))
                    .build());
    http.postJson(
            "/api/v1/recipes",
            "{\"name\":\"pinned\",\"task_target\":\"install-linux.target\","
                + "\"target_disk\":\"/dev/sda\",\"oci_url\":\""
                + repository
                + ":base\","
                + "\"partitions\":[{\"mount\":\"/\",\"size\":\"0\",\"fstype\":\"ext4\"}],"
                + "\"cloud_init\":{\"hostname\":\"m1\"}}")
        .expect(201);
    JsonNode job =
        http.postJson("/api/v1/jobs", "{\"recipe\":\"pinned\",\"server\":\"m1\"}")
            .expect(201)
            .json();
    assertThat(job.at("/artifact/digest").asText()).isEqualTo(image.digest());
    http.delete("/v2/" + repository + "/manifests/base").expect(202);
    return new PinnedJob(job.get("id").asText(), image);
  }
}
