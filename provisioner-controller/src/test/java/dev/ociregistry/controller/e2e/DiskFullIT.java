package dev.ociregistry.controller.e2e;

import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Commands;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage volume runs full: a real file system of 24 MiB (a tmpfs this test mounts, as root or
 * through {@code sudo}) holds the registry. Pushes that do not fit get a clear error (507 with the
 * spec's error body, never an empty 500), no partial blob becomes visible, the space a failed
 * upload took is given back at once (a session keeps what it had acknowledged), {@code /readyz}
 * says 503 and the free-space gauge shows it; once space is freed, pushes work again.
 */
class DiskFullIT {
  private static final long VOLUME_BYTES = 24L * 1024 * 1024;

  @TempDir Path workDir;
  private Path volume;

  @BeforeEach
  void mountASmallVolume() throws Exception {
    volume = Files.createDirectories(workDir.resolve("small"));
    mount("mount", "-t", "tmpfs", "-o", "size=" + VOLUME_BYTES, "tmpfs", volume.toString());
  }

  @AfterEach
  void unmount() throws Exception {
    mount("umount", volume.toString());
  }

  @Test
  void pushesThatDoNotFitFailClearlyAndLeaveNothingBehind() throws Exception {
    Path storage = volume.resolve("registry");
    Map<String, String> env =
        Map.of(
            "DATA_DIR",
            workDir.resolve("data").toString(),
            "REGISTRY_STORAGE",
            storage.toString(),
            "READY_MIN_FREE_SPACE",
            "4MiB",
            "REGISTRY_GC_GRACE_PERIOD",
            "0s");
    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, env)) {
      TestHttp http = new TestHttp(controller.base(), Duration.ofSeconds(60));
      Pusher pusher = new Pusher(http);
      Artifacts.Manifest image = pusher.image("full/app", "v1", Artifacts.image("before"));
      assertThat(http.get("/readyz").status()).isEqualTo(200);
      long freeAtStart = free();

      // A monolithic push larger than the volume.
      Artifacts.Blob tooLarge =
          Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(30 * 1024 * 1024, 51));
      TestHttp.Response refused =
          http.post("/v2/full/app/blobs/uploads/?digest=" + tooLarge.digest(), tooLarge.content());
      assertThat(refused.status()).as(refused.toString()).isEqualTo(507);
      assertThat(refused.errorCode()).isEqualTo("UNKNOWN");
      assertThat(refused.json().get("errors").get(0).get("message").asText()).contains("full");
      assertThat(http.head("/v2/full/app/blobs/" + tooLarge.digest()).status()).isEqualTo(404);
      assertThat(free())
          .as("the failed push's temporary space is given back")
          .isGreaterThan(freeAtStart - 1024 * 1024);

      // A chunked upload: the first chunk fits and is acknowledged, the second does not.
      byte[] first = Artifacts.content(8 * 1024 * 1024, 52);
      String upload = pusher.startUpload("full/app");
      TestHttp.Response accepted = http.patch(upload, "0-" + (first.length - 1), first);
      assertThat(accepted.status()).isEqualTo(202);
      String next = accepted.header("Location").orElseThrow();
      byte[] second = Artifacts.content(20 * 1024 * 1024, 53);
      TestHttp.Response full =
          http.patch(next, first.length + "-" + (first.length + second.length - 1), second);
      assertThat(full.status()).as(full.toString()).isEqualTo(507);
      TestHttp.Response status = http.get(next);
      assertThat(status.header("Range")).hasValue("0-" + (first.length - 1));
      assertThat(free()).isGreaterThan(freeAtStart - first.length - 1024 * 1024);

      // Fill the rest: readiness and the gauge say so, and a manifest push is refused clearly.
      List<Artifacts.Blob> fillers = new ArrayList<>();
      for (int i = 0; free() > 2 * 1024 * 1024 && i < 20; i++) {
        Artifacts.Blob filler =
            Artifacts.blob(
                Artifacts.OCI_LAYER,
                Artifacts.content((int) Math.min(free() - 1024 * 1024, 4 * 1024 * 1024), 60 + i));
        if (http.post("/v2/full/filler/blobs/uploads/?digest=" + filler.digest(), filler.content())
                .status()
            == 201) {
          fillers.add(filler);
        }
      }
      assertThat(http.get("/readyz").status()).isEqualTo(503);
      assertThat(http.get("/metrics").text()).contains("registry_storage_free_bytes");
      Artifacts.Manifest big =
          Artifacts.image()
              .config(image.blobs().get(0))
              .layer(image.blobs().get(1))
              .annotation("org.example.padding", "x".repeat(3 * 1024 * 1024))
              .build();
      TestHttp.Response manifest =
          http.put("/v2/full/app/manifests/big", OCI_MANIFEST, big.content());
      assertThat(manifest.status()).as(manifest.toString()).isEqualTo(507);
      assertThat(manifest.errorCode()).isEqualTo("UNKNOWN");
      assertThat(http.get("/v2/full/app/manifests/big").status()).isEqualTo(404);
      assertThat(http.get("/v2/full/app/manifests/v1").body()).isEqualTo(image.content());

      // Space freed: the upload goes on from what was acknowledged.
      for (Artifacts.Blob filler : fillers) {
        http.delete("/v2/full/filler/blobs/" + filler.digest());
      }
      http.post("/admin/gc", new byte[0]).expect(200);
      byte[] rest = Artifacts.content(1024 * 1024, 54);
      byte[] whole = new byte[first.length + rest.length];
      System.arraycopy(first, 0, whole, 0, first.length);
      System.arraycopy(rest, 0, whole, first.length, rest.length);
      TestHttp.Response done =
          http.closeUpload(
              next, dev.ociregistry.testkit.Digests.sha256(whole), whole, first.length);
      assertThat(done.status()).as(done.toString()).isEqualTo(201);
      try (Stream<Path> temporaries = Files.list(storage.resolve("tmp"))) {
        assertThat(temporaries.filter(file -> !file.getFileName().toString().startsWith(".readyz")))
            .isEmpty();
      }
      assertThat(controller.log()).doesNotContain("OutOfMemoryError");
      System.out.printf(
          "disk full: 507 with a JSON body for blob, chunk and manifest pushes on a %d MiB volume;"
              + " temporary space given back; readiness 503 when full%n",
          VOLUME_BYTES >> 20);
    }
  }

  private long free() throws Exception {
    return Files.getFileStore(volume).getUsableSpace();
  }

  /** Runs a mount command as root, through {@code sudo} when the tests do not run as root. */
  private void mount(String... command) throws Exception {
    List<String> line = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      line.add("sudo");
      line.add("-n");
    }
    line.addAll(List.of(command));
    Commands.Result result = Commands.run(line, workDir, env -> {}, Duration.ofSeconds(30));
    assertThat(result.exitCode()).as("%s (the disk-full test needs root or sudo)", result).isZero();
  }
}
