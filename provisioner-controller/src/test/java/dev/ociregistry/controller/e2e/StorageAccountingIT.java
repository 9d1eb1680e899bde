package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /admin/storage} tells where the bytes are: what each repository references and what
 * only it references, what upload sessions hold, what no repository links, and with {@code
 * ?gc=true} what a collection would free now; the figures survive a restart.
 */
class StorageAccountingIT {
  @TempDir Path workDir;

  private static long sizeOf(Manifest image) {
    return image.size() + image.blobs().stream().mapToLong(Blob::size).sum();
  }

  private static JsonNode repository(JsonNode storage, String name) {
    for (JsonNode repository : storage.get("repositories")) {
      if (repository.get("name").asText().equals(name)) {
        return repository;
      }
    }
    throw new AssertionError("no " + name + " in " + storage);
  }

  @Test
  void perRepositoryUploadAndCollectableBytesAreAccountedFor() throws Exception {
    Map<String, String> env =
        Map.of("DATA_DIR", workDir.resolve("data").toString(), "REGISTRY_GC_GRACE_PERIOD", "0s");
    Manifest shared = Artifacts.image("shared");
    Blob onlyInTools = Artifacts.layer("a layer only tools holds");
    long everything;
    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, env)) {
      TestHttp http = new TestHttp(controller.base());
      Pusher push = new Pusher(http);
      push.image("os/ubuntu", "22.04", shared);
      push.image("tools/ubuntu", "22.04", shared);
      push.blob("tools/ubuntu", onlyInTools);
      String upload = push.startUpload("os/ubuntu");
      http.patch(upload, "0-999", Artifacts.content(1000, 5)).expect(202);

      JsonNode storage = http.get("/admin/storage").expect(200).json();
      everything = sizeOf(shared) + onlyInTools.size();
      assertThat(storage.get("blob_bytes").asLong()).isEqualTo(everything);
      assertThat(storage.get("blobs").asLong()).isEqualTo(4);
      assertThat(storage.get("manifests").asLong()).isEqualTo(2);
      assertThat(storage.at("/uploads/open").asLong()).isEqualTo(1);
      assertThat(storage.at("/uploads/bytes").asLong()).isEqualTo(1000);
      assertThat(storage.get("bytes_on_disk").asLong()).isEqualTo(everything + 1000);
      assertThat(storage.at("/unlinked/bytes").asLong()).isZero();
      assertThat(repository(storage, "os/ubuntu").get("referenced_bytes").asLong())
          .isEqualTo(sizeOf(shared));
      assertThat(repository(storage, "os/ubuntu").get("exclusive_bytes").asLong())
          .as("everything it holds, tools holds too")
          .isZero();
      assertThat(repository(storage, "tools/ubuntu").get("referenced_bytes").asLong())
          .isEqualTo(everything);
      assertThat(repository(storage, "tools/ubuntu").get("exclusive_bytes").asLong())
          .isEqualTo(onlyInTools.size());
      assertThat(storage.has("gc_would_free")).as("only when asked").isFalse();

      http.delete("/v2/tools/ubuntu/blobs/" + onlyInTools.digest()).expect(202);
      http.delete("/v2/tools/ubuntu/manifests/" + shared.digest()).expect(202);
      JsonNode afterDeletes = http.get("/admin/storage?gc=true").expect(200).json();
      assertThat(afterDeletes.at("/unlinked/bytes").asLong()).isEqualTo(onlyInTools.size());
      assertThat(repository(afterDeletes, "os/ubuntu").get("exclusive_bytes").asLong())
          .as("os alone links the manifest now; tools still links its config and layer")
          .isEqualTo(shared.size());
      assertThat(afterDeletes.at("/gc_would_free/bytes").asLong()).isEqualTo(onlyInTools.size());
      assertThat(afterDeletes.at("/gc_would_free/blobs").asLong()).isEqualTo(1);
      assertThat(http.get("/admin/storage?gc=maybe").status()).isEqualTo(400);
      assertThat(http.get("/admin/storage").json().get("blob_bytes").asLong())
          .as("a dry run deletes nothing")
          .isEqualTo(everything);
    }
    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, env)) {
      JsonNode restarted = new TestHttp(controller.base()).get("/admin/storage").expect(200).json();
      assertThat(restarted.get("blob_bytes").asLong()).isEqualTo(everything);
      assertThat(restarted.at("/uploads/bytes").asLong()).isEqualTo(1000);
      assertThat(restarted.at("/unlinked/bytes").asLong()).isEqualTo(onlyInTools.size());
      assertThat(repository(restarted, "os/ubuntu").get("exclusive_bytes").asLong())
          .isEqualTo(shared.size());
    }
  }
}
