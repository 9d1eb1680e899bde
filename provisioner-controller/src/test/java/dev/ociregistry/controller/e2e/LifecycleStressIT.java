package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content lifecycle under load, against the jar as users run it: pushers share layers and check
 * each blob with a HEAD before they push a manifest that needs it, tags move and are deleted,
 * images pushed by digest are deleted by digest, retention keeps the newest three tags of each
 * repository, and retention and GC run every second with a grace period of five. No push is refused
 * for a blob it was told exists, no pull of an image that was tagged when its manifest was read
 * fails, the pinned digest of a job always pulls, and once the load stops every collectable blob
 * goes: what stays is exactly what the tags and the pin reach.
 *
 * <p>CI runs it for 20 s; {@code -Dlifecycle.stressSeconds=1800} runs the long profile.
 */
class LifecycleStressIT {
  private static final Duration RUN_TIME =
      Duration.ofSeconds(Long.getLong("lifecycle.stressSeconds", 20));
  private static final int WORKERS = 4;
  private static final List<String> REPOSITORIES = List.of("stress/alpha", "stress/beta");

  /** Where images are pushed by digest, never tagged, and deleted by digest. */
  private static final String SCRATCH = "stress/scratch";

  private static final int TAGS = 6;
  private static final List<Blob> SHARED_LAYERS = sharedLayers();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path workDir;

  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final AtomicLong pushes = new AtomicLong();
  private final AtomicLong headsThatSkippedAnUpload = new AtomicLong();
  private final AtomicLong pulls = new AtomicLong();
  private final AtomicLong pinnedPulls = new AtomicLong();
  private final AtomicLong deletes = new AtomicLong();

  private static List<Blob> sharedLayers() {
    List<Blob> layers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      layers.add(Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(20_000, 100 + i)));
    }
    return layers;
  }

  @Test
  void noAcknowledgedContentIsLostAndEverythingCollectableGoes() throws Exception {
    Path rules =
        Files.writeString(
            workDir.resolve("retention.json"),
            "{\"rules\":[{\"repositories\":\"stress/**\",\"keepNewest\":3}]}");
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir,
            Map.of(
                "DATA_DIR",
                workDir.resolve("data").toString(),
                "REGISTRY_GC_INTERVAL",
                "1s",
                "REGISTRY_GC_GRACE_PERIOD",
                "5s",
                "REGISTRY_RETENTION_FILE",
                rules.toString()))) {
      TestHttp http = new TestHttp(controller.base(), Duration.ofSeconds(60));
      Manifest pinned =
          PinnedJobs.pinAnImageAndDropItsTag(http, "stress/pinned", SHARED_LAYERS.get(0)).image();

      ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
      long end = System.nanoTime() + RUN_TIME.toNanos();
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < WORKERS; i++) {
        int worker = i;
        running.add(workers.submit(() -> work(http, worker, pinned, end)));
      }
      for (Future<?> one : running) {
        one.get(RUN_TIME.toSeconds() + 120, TimeUnit.SECONDS);
      }
      workers.shutdown();

      assertThat(failures).as("losses").isEmpty();
      assertThat(pushes.get()).isGreaterThan(WORKERS);
      assertThat(pulls.get()).isGreaterThan(WORKERS);

      // Once the load stops, what the last pushes left becomes collectable a grace period later
      // (untagged manifests first, then what only they referenced), and goes within a few runs. A
      // dry run finding nothing proves little on its own: content still young is not collectable
      // yet. So the store must come to hold exactly what the tags and the pin reach.
      Settled settled = settle(http, pinned);
      Scrape scrape = Scrape.of(http);
      assertThat((long) scrape.value("registry_blob_count"))
          .as("the kept count agrees with the disk")
          .isEqualTo(settled.onDisk());
      double runs = scrape.value("registry_gc_runs_total{outcome=\"success\"}");
      assertThat(runs).isGreaterThanOrEqualTo(RUN_TIME.toSeconds() / 2.0);
      System.out.printf(
          "lifecycle stress: %d s, %d workers: %d pushes (%d uploads skipped after a HEAD),"
              + " %d pulls of tagged images, %d pulls of the pinned digest, %d deletes;"
              + " %.0f GC runs freeing %.0f blobs and %.0f manifests, %.0f tags removed by"
              + " retention; %d blobs left, all reachable; 0 losses%n",
          RUN_TIME.toSeconds(),
          WORKERS,
          pushes.get(),
          headsThatSkippedAnUpload.get(),
          pulls.get(),
          pinnedPulls.get(),
          deletes.get(),
          runs,
          scrape.value("registry_gc_blobs_deleted_total"),
          scrape.value("registry_gc_manifests_deleted_total"),
          scrape.value("registry_retention_tags_removed_total"),
          settled.onDisk());
    }
  }

  private void work(TestHttp http, int worker, Manifest pinned, long end) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<String> mine = new ArrayList<>();
    long step = 0;
    try {
      while (System.nanoTime() - end < 0) {
        step++;
        String repository = REPOSITORIES.get(random.nextInt(REPOSITORIES.size()));
        String tag = "t" + random.nextInt(TAGS);
        int dice = random.nextInt(100);
        if (dice < 35) {
          push(http, repository, tag, image(worker, step));
        } else if (dice < 45) {
          Manifest image = image(worker, step);
          if (push(http, SCRATCH, image.digest(), image)) {
            mine.add(image.digest());
          }
        } else if (dice < 85) {
          pullTagged(http, repository, tag);
        } else if (dice < 92) {
          pull(http, "stress/pinned", pinned.digest(), "the pinned digest");
          pinnedPulls.incrementAndGet();
        } else if (dice < 96 || mine.isEmpty()) {
          expectOneOf(http.delete("/v2/" + repository + "/manifests/" + tag), 202, 404);
          deletes.incrementAndGet();
        } else {
          String digest = mine.remove(random.nextInt(mine.size()));
          expectOneOf(http.delete("/v2/" + SCRATCH + "/manifests/" + digest), 202, 404);
          deletes.incrementAndGet();
        }
      }
    } catch (IOException | RuntimeException e) {
      failures.add("worker " + worker + ": " + e);
    }
  }

  private static Manifest image(int worker, long step) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Artifacts.image()
        .config(Artifacts.config(worker + "/" + step))
        .layer(SHARED_LAYERS.get(random.nextInt(SHARED_LAYERS.size())))
        .layer(SHARED_LAYERS.get(random.nextInt(SHARED_LAYERS.size())))
        .layer(Artifacts.layer("unique " + worker + "/" + step))
        .build();
  }

  /** Pushes as clients do: HEAD each blob, upload only what is missing, then the manifest. */
  private boolean push(TestHttp http, String repository, String reference, Manifest image)
      throws IOException {
    for (Blob blob : image.blobs()) {
      if (http.head("/v2/" + repository + "/blobs/" + blob.digest()).status() == 200) {
        headsThatSkippedAnUpload.incrementAndGet();
        continue;
      }
      http.post("/v2/" + repository + "/blobs/uploads/?digest=" + blob.digest(), blob.content())
          .expect(201);
    }
    Response pushed =
        http.put(
            "/v2/" + repository + "/manifests/" + reference, image.mediaType(), image.content());
    if (pushed.status() != 201) {
      failures.add("push of " + repository + " " + reference + " refused: " + pushed);
      return false;
    }
    pushes.incrementAndGet();
    return true;
  }

  private void pullTagged(TestHttp http, String repository, String tag) throws IOException {
    Response manifest = http.get("/v2/" + repository + "/manifests/" + tag);
    if (manifest.status() == 404) {
      return;
    }
    if (manifest.status() != 200) {
      failures.add("manifest " + repository + ":" + tag + ": " + manifest);
      return;
    }
    pullBlobs(http, repository, manifest.json(), repository + ":" + tag);
    pulls.incrementAndGet();
  }

  private void pull(TestHttp http, String repository, String digest, String what)
      throws IOException {
    Response manifest = http.get("/v2/" + repository + "/manifests/" + digest);
    if (manifest.status() != 200) {
      failures.add(what + ": " + manifest);
      return;
    }
    pullBlobs(http, repository, manifest.json(), what);
  }

  private void pullBlobs(TestHttp http, String repository, JsonNode manifest, String what)
      throws IOException {
    List<JsonNode> blobs = new ArrayList<>();
    blobs.add(manifest.get("config"));
    manifest.get("layers").forEach(blobs::add);
    for (JsonNode blob : blobs) {
      String digest = blob.get("digest").asText();
      Response content = http.get("/v2/" + repository + "/blobs/" + digest);
      if (content.status() != 200 || !Digests.sha256(content.body()).equals(digest)) {
        failures.add("blob " + digest + " of " + what + ", read while it was tagged: " + content);
      }
    }
  }

  private void expectOneOf(Response response, int... statuses) {
    for (int status : statuses) {
      if (response.status() == status) {
        return;
      }
    }
    failures.add("unexpected " + response);
  }

  /** The store once it holds exactly what the tags and the pin reach. */
  private record Settled(long onDisk, Set<String> reachable, String dryRun) {
    boolean exact() {
      return onDisk == reachable.size();
    }
  }

  private Settled settle(TestHttp http, Manifest pinned) throws IOException {
    Settled[] last = {observe(http, pinned)};
    try {
      return Await.value(
          "the store to hold exactly what the tags and the pin reach",
          Duration.ofSeconds(60),
          () -> {
            try {
              last[0] = observe(http, pinned);
              return last[0].exact() ? Optional.of(last[0]) : Optional.empty();
            } catch (IOException e) {
              return Optional.empty();
            }
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + ": "
              + last[0].onDisk()
              + " blobs on disk, "
              + last[0].reachable().size()
              + " reachable; a dry run says "
              + last[0].dryRun()
              + "; storage: "
              + http.get("/admin/storage").text(),
          e);
    }
  }

  private Settled observe(TestHttp http, Manifest pinned) throws IOException {
    Set<String> reachable = reachable(http, pinned);
    String dryRun = http.post("/admin/gc?dryRun=true", new byte[0]).expect(200).text();
    try (Stream<Path> files = Files.list(workDir.resolve("data/registry/blobs/sha256"))) {
      return new Settled(files.count(), reachable, dryRun);
    }
  }

  /** Every digest the tags of the stress repositories and the pinned image reach. */
  private static Set<String> reachable(TestHttp http, Manifest pinned) throws IOException {
    Set<String> digests = new HashSet<>();
    addManifest(http.get("/v2/stress/pinned/manifests/" + pinned.digest()).expect(200), digests);
    for (String repository : REPOSITORIES) {
      for (String tag : tags(http, repository)) {
        Response manifest = http.get("/v2/" + repository + "/manifests/" + tag);
        // Retention, on its schedule, may remove a tag between the listing and this read; a tag
        // still listed must resolve.
        if (manifest.status() != 404 || tags(http, repository).contains(tag)) {
          addManifest(manifest.expect(200), digests);
        }
      }
    }
    return digests;
  }

  private static Set<String> tags(TestHttp http, String repository) throws IOException {
    Set<String> tags = new HashSet<>();
    http.get("/v2/" + repository + "/tags/list")
        .expect(200)
        .json()
        .get("tags")
        .forEach(tag -> tags.add(tag.asText()));
    return tags;
  }

  private static void addManifest(Response manifest, Set<String> digests) throws IOException {
    digests.add(manifest.header("Docker-Content-Digest").orElseThrow());
    JsonNode document = JSON.readTree(manifest.body());
    digests.add(document.get("config").get("digest").asText());
    document.get("layers").forEach(layer -> digests.add(layer.get("digest").asText()));
  }
}
