package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.controller.e2e.PinnedJobs.PinnedJob;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Commands;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup of {@code docs/operations.md}: {@code deploy/backup}, run while clients push images
 * over shared layers, move and delete tags and a collection runs back to back (every second too,
 * with a grace period of 15 s, which the backup takes far less than, as the procedure requires),
 * copies a store in which every tag resolves. After each of two backups into one directory (a first
 * copy, then an update) the guide's restore command puts it in a fresh directory and a second
 * controller opens it: no recovery problem, every tag it lists in its {@code index.json} and
 * pulling whole with every blob, and a job made before the load there with its pinned artifact.
 */
class BackupRestoreIT {
  private static final Path REPOSITORY =
      Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
  private static final Path SCRIPT = REPOSITORY.resolve("deploy/backup");
  private static final Path GUIDE = REPOSITORY.resolve("docs/operations.md");
  private static final Duration GRACE = Duration.ofSeconds(15);
  private static final int WORKERS = 3;
  private static final List<String> REPOSITORIES =
      List.of("backup/alpha", "backup/beta", "backup/gamma");
  private static final int TAGS = 4;
  private static final List<Blob> SHARED_LAYERS = sharedLayers();
  private static final String GC_DELETED = "registry_gc_blobs_deleted_total";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path workDir;

  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong pushes = new AtomicLong();
  private final AtomicLong tagDeletes = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();

  private static List<Blob> sharedLayers() {
    List<Blob> layers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      layers.add(Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(256 * 1024, 300 + i)));
    }
    return layers;
  }

  @Test
  void theGuideShowsTheCommandsOfTheBackupScriptAsTheScriptRunsThem() throws IOException {
    List<String> script = Files.readAllLines(SCRIPT);
    List<String> commands = new ArrayList<>();
    boolean copying = false;
    for (String line : script) {
      copying |= line.startsWith("copy -a");
      if (copying && !line.isBlank() && !line.startsWith("#")) {
        commands.add(line);
      }
    }

    List<String> shown = block("backup").stream().filter(line -> !line.startsWith("```")).toList();

    assertThat(commands).isNotEmpty();
    assertThat(shown).isEqualTo(commands);
  }

  @Test
  void aBackupTakenWhilePushesAndCollectionsGoOnRestoresEveryTagWhole() throws Exception {
    Path data = workDir.resolve("data");
    Path copy = workDir.resolve("backup");
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir,
            Map.of(
                "DATA_DIR",
                data.toString(),
                "REGISTRY_GC_INTERVAL",
                "1s",
                "REGISTRY_GC_GRACE_PERIOD",
                GRACE.toSeconds() + "s"))) {
      TestHttp http = new TestHttp(controller.base(), Duration.ofSeconds(60));
      PinnedJob job =
          PinnedJobs.pinAnImageAndDropItsTag(http, "backup/pinned", SHARED_LAYERS.get(0));

      ExecutorService load = Executors.newFixedThreadPool(WORKERS + 1);
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < WORKERS; i++) {
        int worker = i;
        running.add(load.submit(() -> push(http, worker)));
      }
      running.add(load.submit(() -> collect(http)));
      try {
        // Content untagged for the grace period goes from here on, while the backups run.
        Await.until(
            "the collector to delete blobs", Duration.ofSeconds(120), () -> deletedByGc(http) > 0);

        Round first = backupAndRestore(http, data, copy, job, 1);
        Round update = backupAndRestore(http, data, copy, job, 2);

        assertThat(first.gcDeleted() + update.gcDeleted())
            .as("blobs the collector deleted while the backups ran")
            .isPositive();
        assertThat(first.pushes() + update.pushes())
            .as("pushes while the backups ran")
            .isPositive();
        System.out.printf(
            "backup and restore: %d pushes, %d tag deletes and %d collections in all; %s; %s%n",
            pushes.get(), tagDeletes.get(), collections.get(), first, update);
      } finally {
        stop.set(true);
        for (Future<?> one : running) {
          one.get(2, TimeUnit.MINUTES);
        }
        load.shutdown();
      }
      assertThat(failures).as("failures of the load").isEmpty();
    }
  }

  /** What one backup and its restore did. */
  private record Round(
      int number,
      long backupMillis,
      long pushes,
      long tagDeletes,
      long gcDeleted,
      long vanished,
      Restored restored) {
    @Override
    public String toString() {
      return String.format(
          "round %d (%s): deploy/backup took %d ms (grace %d s), during it %d pushes, %d tag"
              + " deletes, %d blobs deleted by GC, %d files vanished under rsync; restored %s",
          number,
          number == 1 ? "a first copy" : "an update of it",
          backupMillis,
          GRACE.toSeconds(),
          pushes,
          tagDeletes,
          gcDeleted,
          vanished,
          restored);
    }
  }

  /** What the controller on a restored copy served. */
  private record Restored(int repositories, int tags, int blobs, long bytes) {
    @Override
    public String toString() {
      return String.format(
          "%d repositories, %d tags, %d blobs (%.1f MiB) pulled whole, the job and its pinned"
              + " artifact, 0 recovery problems",
          repositories, tags, blobs, bytes / (double) (1 << 20));
    }
  }

  private Round backupAndRestore(TestHttp http, Path data, Path copy, PinnedJob job, int number)
      throws Exception {
    long pushesBefore = pushes.get();
    long deletesBefore = tagDeletes.get();
    double gcBefore = deletedByGc(http);
    long started = System.nanoTime();
    Commands.Result backup =
        Commands.run(
            List.of(SCRIPT.toString(), data.toString(), copy.toString()),
            workDir,
            env -> {},
            Duration.ofMinutes(5));
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    long pushesDuring = pushes.get() - pushesBefore;
    long deletesDuring = tagDeletes.get() - deletesBefore;
    double gcDuring = deletedByGc(http) - gcBefore;

    assertThat(backup.exitCode()).as(backup.toString()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)))
        .as("the backup holds the job credential key: only its owner may read it")
        .isEqualTo("rwx------");
    assertThat(Duration.ofMillis(millis))
        .as("the procedure's condition: the backup ends within the grace period")
        .isLessThan(GRACE);
    long vanished = backup.stderr().lines().filter(line -> line.contains("vanished")).count();
    Restored restored = restoreAndRead(copy, workDir.resolve("restored-" + number), job);
    return new Round(
        number, millis, pushesDuring, deletesDuring, (long) gcDuring, vanished, restored);
  }

  /** The guide's restore command into {@code target}, and a second controller reading it all. */
  private Restored restoreAndRead(Path copy, Path target, PinnedJob job) throws Exception {
    Commands.Result restore =
        Commands.run(restoreCommand(copy, target), workDir, env -> {}, Duration.ofMinutes(5));
    assertThat(restore.exitCode()).as(restore.toString()).isZero();

    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(workDir, Map.of("DATA_DIR", target.toString()))) {
      TestHttp http = new TestHttp(controller.base(), Duration.ofSeconds(60));
      // The open's background work (index rebuild, then the count) is over once this answers.
      http.get("/admin/storage").expect(200);
      Set<String> tagged = new HashSet<>();
      int blobs = 0;
      long bytes = 0;
      List<String> repositories =
          names(http.get("/v2/_catalog?n=1000").expect(200), "repositories");
      for (String repository : repositories) {
        for (String tag :
            names(http.get("/v2/" + repository + "/tags/list?n=1000").expect(200), "tags")) {
          tagged.add(repository + ":" + tag);
          Response manifest = http.get("/v2/" + repository + "/manifests/" + tag).expect(200);
          assertThat(Digests.sha256(manifest.body()))
              .as(repository + ":" + tag)
              .isEqualTo(manifest.header("Docker-Content-Digest").orElseThrow());
          for (JsonNode blob : blobsOf(manifest.json())) {
            bytes += pullWhole(http, repository, blob);
            blobs++;
          }
        }
      }
      assertThat(tagged).as("tags restored").isNotEmpty();
      Path index = target.resolve("registry/index.json");
      Await.until(
          "index.json to list every tag the restored controller lists",
          Duration.ofSeconds(30),
          () -> refNames(index).equals(tagged));

      JsonNode restoredJob = http.get("/api/v1/jobs/" + job.id()).expect(200).json();
      assertThat(restoredJob.at("/artifact/digest").asText()).isEqualTo(job.image().digest());
      Response pinned = http.get("/v2/backup/pinned/manifests/" + job.image().digest()).expect(200);
      for (JsonNode blob : blobsOf(pinned.json())) {
        pullWhole(http, "backup/pinned", blob);
      }

      controller.terminate();
      assertThat(controller.awaitExit(Duration.ofSeconds(60))).isZero();
      assertThat(controller.log())
          .as("the restored controller's log")
          .doesNotContain("registry storage:", " WARN ", " ERROR ");
      return new Restored(repositories.size(), tagged.size(), blobs, bytes);
    }
  }

  /**
   * The restore's {@code rsync} line of the guide, without its {@code sudo}, from {@code copy} to
   * {@code target} instead of the paths it names.
   */
  private static List<String> restoreCommand(Path copy, Path target) throws IOException {
    String line =
        block("restore").stream()
            .filter(text -> text.startsWith("sudo rsync "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the guide's restore has no rsync line"));
    List<String> words = new ArrayList<>();
    for (String word : line.substring("sudo ".length()).split(" ")) {
      words.add(
          switch (word) {
            case "/srv/backup/oci-registry/" -> copy + "/";
            case "/var/lib/oci-registry/" -> target + "/";
            default -> word;
          });
    }
    assertThat(words).contains(copy + "/", target + "/");
    return words;
  }

  /** The lines between {@code <!-- name:begin -->} and {@code <!-- name:end -->} of the guide. */
  private static List<String> block(String name) throws IOException {
    List<String> lines = Files.readAllLines(GUIDE);
    int begin = lines.indexOf("<!-- " + name + ":begin -->");
    int end = lines.indexOf("<!-- " + name + ":end -->");
    assertThat(begin).as("the guide's " + name + " block").isNotNegative().isLessThan(end);
    return lines.subList(begin + 1, end);
  }

  private static long pullWhole(TestHttp http, String repository, JsonNode blob)
      throws IOException {
    String digest = blob.get("digest").asText();
    Response content = http.get("/v2/" + repository + "/blobs/" + digest).expect(200);
    assertThat(Digests.sha256(content.body())).as(repository + "@" + digest).isEqualTo(digest);
    assertThat((long) content.body().length).isEqualTo(blob.get("size").asLong());
    return content.body().length;
  }

  private static List<JsonNode> blobsOf(JsonNode manifest) {
    List<JsonNode> blobs = new ArrayList<>();
    blobs.add(manifest.get("config"));
    manifest.get("layers").forEach(blobs::add);
    return blobs;
  }

  private static List<String> names(Response response, String field) {
    List<String> names = new ArrayList<>();
    response.json().path(field).forEach(name -> names.add(name.asText()));
    return names;
  }

  private static Set<String> refNames(Path index) {
    Set<String> names = new HashSet<>();
    try {
      JSON.readTree(index.toFile())
          .path("manifests")
          .forEach(
              entry ->
                  names.add(
                      entry
                          .path("annotations")
                          .path("org.opencontainers.image.ref.name")
                          .asText()));
    } catch (IOException e) {
      return Set.of();
    }
    return names;
  }

  /** A client pushing images over shared layers (moving tags) and now and then deleting a tag. */
  private void push(TestHttp http, int worker) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long step = 0;
    try {
      while (!stop.get()) {
        step++;
        String repository = REPOSITORIES.get(random.nextInt(REPOSITORIES.size()));
        String tag = "t" + random.nextInt(TAGS);
        if (random.nextInt(100) < 90) {
          pushImage(http, repository, tag, image(worker, step));
        } else {
          int status = http.delete("/v2/" + repository + "/manifests/" + tag).status();
          if (status != 202 && status != 404) {
            failures.add("delete of " + repository + ":" + tag + " answered " + status);
          }
          tagDeletes.incrementAndGet();
        }
      }
    } catch (IOException | RuntimeException | AssertionError e) {
      failures.add("worker " + worker + ": " + e);
    }
  }

  /** Pushes as clients do: HEAD each blob, upload only what is missing, then the manifest. */
  private void pushImage(TestHttp http, String repository, String tag, Manifest image)
      throws IOException {
    for (Blob blob : image.blobs()) {
      if (http.head("/v2/" + repository + "/blobs/" + blob.digest()).status() != 200) {
        http.post("/v2/" + repository + "/blobs/uploads/?digest=" + blob.digest(), blob.content())
            .expect(201);
      }
    }
    Response pushed =
        http.put("/v2/" + repository + "/manifests/" + tag, image.mediaType(), image.content());
    if (pushed.status() != 201) {
      failures.add("push of " + repository + ":" + tag + " refused: " + pushed);
      return;
    }
    pushes.incrementAndGet();
  }

  private static Manifest image(int worker, long step) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Artifacts.image()
        .config(Artifacts.config(worker + "/" + step))
        .layer(SHARED_LAYERS.get(random.nextInt(SHARED_LAYERS.size())))
        .layer(SHARED_LAYERS.get(random.nextInt(SHARED_LAYERS.size())))
        .layer(
            Artifacts.blob(
                Artifacts.OCI_LAYER, Artifacts.content(32 * 1024, worker * 1_000_000L + step)))
        .build();
  }

  /** Asks for a collection back to back, beside the schedule's. */
  private void collect(TestHttp http) {
    try {
      while (!stop.get()) {
        http.post("/admin/gc", new byte[0]).expect(200);
        collections.incrementAndGet();
      }
    } catch (IOException | RuntimeException | AssertionError e) {
      failures.add("collector: " + e);
    }
  }

  private static double deletedByGc(TestHttp http) {
    try {
      return Scrape.of(http).valueOrZero(GC_DELETED);
    } catch (IOException e) {
      throw new AssertionError("metrics unreadable", e);
    }
  }
}
