package dev.ociregistry.core.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.testing.TestContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that online garbage collection never takes a blob from a client that checked it with
 * HEAD and then pushed a manifest referencing it, while it does take everything nobody references.
 *
 * <p>Workers upload a layer and a config, let them age to about a short grace period (a little
 * less, a little more), HEAD them (re-uploading what the collector already took, as a real client
 * does) and push a manifest by tag. Some uploads are never referenced. One thread collects in a
 * tight loop all along.
 *
 * <p>A push refused with {@code MANIFEST_BLOB_UNKNOWN} less than the grace period (less a clock
 * tick) after the missing blob was HEADed (or re-uploaded) is a violation. One refused later is a
 * client too slow for the grace period, which the design allows (this happens only on a badly
 * overloaded machine); the worker then checks again and retries, as a real client would, and the
 * test reports it.
 */
class GcRaceTest {
  private static final Duration GRACE = Duration.ofMillis(300);
  private static final int AGEING_SPREAD_MILLIS = 100;

  /**
   * A refusal this close to the grace period is not counted as a violation: the test measures with
   * {@code nanoTime}, the collector compares file times, and the kernel stamps a written file from
   * a clock that lags by up to a tick.
   */
  private static final Duration CLOCK_SLACK = Duration.ofMillis(10);

  private static final int WORKERS = 4;
  private static final Duration RUN_TIME = Duration.ofSeconds(4);
  private static final int MAX_ITERATIONS_PER_WORKER = 25;
  private static final int MAX_PUSH_ATTEMPTS = 20;
  private static final List<RepositoryName> REPOSITORIES =
      List.of(RepositoryName.parse("race/alpha"), RepositoryName.parse("race/beta"));

  @TempDir Path root;

  private record Pushed(RepositoryName repository, Digest manifest, List<Digest> blobs) {}

  private record Garbage(RepositoryName repository, Digest digest) {}

  /** What the threads share and record. */
  private static final class Race {
    final OciRegistry registry;
    final long deadline = System.nanoTime() + RUN_TIME.toNanos();
    final GcOptions options = GcOptions.withGracePeriod(GRACE);
    final AtomicBoolean stop = new AtomicBoolean();
    final Queue<Pushed> pushed = new ConcurrentLinkedQueue<>();
    final Queue<Garbage> garbage = new ConcurrentLinkedQueue<>();
    final Queue<String> violations = new ConcurrentLinkedQueue<>();
    final Queue<String> slowClientRefusals = new ConcurrentLinkedQueue<>();
    final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    final Map<Integer, Digest> lastPushedByWorker = new ConcurrentHashMap<>();
    final AtomicLong iterations = new AtomicLong();
    final AtomicLong reuploads = new AtomicLong();
    final AtomicLong oldBlobsFoundByHead = new AtomicLong();
    final AtomicLong gcRuns = new AtomicLong();
    final AtomicLong deletedDuringRun = new AtomicLong();

    final Path root;

    Race(OciRegistry registry, Path root) {
      this.registry = registry;
      this.root = root;
    }

    /** Sets a blob's age as if it had been written {@code age} ago. */
    void age(Digest digest, Duration age) throws IOException {
      Files.setLastModifiedTime(
          root.resolve("blobs").resolve(digest.algorithm().id()).resolve(digest.hex()),
          FileTime.from(Instant.now().minus(age)));
    }

    void collectUntilStopped() {
      try {
        while (!stop.get()) {
          GcReport report = registry.garbageCollector().collect(options);
          gcRuns.incrementAndGet();
          deletedDuringRun.addAndGet(report.blobsDeleted());
        }
      } catch (Throwable e) {
        errors.add(e);
      }
    }

    void work(int worker) {
      try {
        for (int i = 0; i < MAX_ITERATIONS_PER_WORKER && System.nanoTime() < deadline; i++) {
          iterations.incrementAndGet();
          iteration(worker, i);
        }
      } catch (Throwable e) {
        errors.add(e);
      }
    }

    private void iteration(int worker, int iteration) throws IOException, InterruptedException {
      RepositoryName repository = repositoryOf(worker);
      byte[] layer = randomBytes(512, 4096);
      byte[] config = randomBytes(32, 256);
      TestContent.pushBlob(registry, repository, layer);
      TestContent.pushBlob(registry, repository, config);
      if (worker % 2 == 0 || iteration % 2 == 0) {
        byte[] unused = randomBytes(64, 2048);
        TestContent.pushBlob(registry, repository, unused);
        garbage.add(new Garbage(repository, Digest.sha256(unused)));
      }
      // Aged to around the grace period, as if the client had paused that long: some HEADs come
      // before the collector may take the blobs, some race with its sweep, some come after it took
      // them.
      Duration age =
          GRACE
              .minusMillis(AGEING_SPREAD_MILLIS)
              .plusMillis(ThreadLocalRandom.current().nextInt(2 * AGEING_SPREAD_MILLIS + 1));
      age(Digest.sha256(layer), age);
      age(Digest.sha256(config), age);

      byte[] manifest = TestContent.imageManifest(config, List.of(layer), Map.of());
      Digest digest = Digest.sha256(manifest);
      for (int attempt = 1; ; attempt++) {
        Map<Digest, Long> checkedAt = new HashMap<>();
        for (byte[] blob : List.of(layer, config)) {
          Digest blobDigest = Digest.sha256(blob);
          checkedAt.put(blobDigest, System.nanoTime());
          if (registry.blobs().statAndRefresh(repository, blobDigest).isEmpty()) {
            reuploads.incrementAndGet();
            TestContent.pushBlob(registry, repository, blob);
          } else {
            oldBlobsFoundByHead.incrementAndGet();
          }
        }
        try {
          registry
              .manifests()
              .put(repository, Reference.of(tagOf(worker)), manifest, MediaTypes.OCI_MANIFEST);
          pushed.add(
              new Pushed(repository, digest, List.of(Digest.sha256(config), Digest.sha256(layer))));
          lastPushedByWorker.put(worker, digest);
          return;
        } catch (RegistryException e) {
          if (e.code() != ErrorCode.MANIFEST_BLOB_UNKNOWN) {
            throw e;
          }
          Long checked = checkedAt.get(Digest.parse(e.detail()));
          long sinceCheck = checked == null ? -1 : (System.nanoTime() - checked) / 1_000_000;
          String what =
              String.format(
                  "worker %d iteration %d attempt %d: push refused %d ms after HEAD of %s",
                  worker, iteration, attempt, sinceCheck, e.detail());
          if (checked == null || sinceCheck < GRACE.minus(CLOCK_SLACK).toMillis()) {
            violations.add(what);
          } else {
            slowClientRefusals.add(what);
          }
          if (attempt >= MAX_PUSH_ATTEMPTS) {
            throw new AssertionError("client gave up: " + what);
          }
        }
      }
    }
  }

  @Test
  @Timeout(60)
  void blobCheckedWithHeadIsNeverCollectedBeforeItsManifestIsPushedAndGarbageAlwaysIs()
      throws Exception {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      Race race = new Race(registry, root);
      Thread collector = new Thread(race::collectUntilStopped, "gc-loop");
      List<Thread> workers = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        int worker = w;
        workers.add(new Thread(() -> race.work(worker), "worker-" + worker));
      }

      collector.start();
      workers.forEach(Thread::start);
      for (Thread worker : workers) {
        worker.join(Duration.ofSeconds(40).toMillis());
      }
      race.stop.set(true);
      collector.join(Duration.ofSeconds(20).toMillis());
      assertThat(workers).noneMatch(Thread::isAlive);
      assertThat(collector.isAlive()).isFalse();

      makeAllBlobsOlderThan(GRACE.multipliedBy(10));
      GcReport last = registry.garbageCollector().collect(race.options);

      System.out.printf(
          "GcRaceTest: %d iterations, %d manifests pushed, %d HEADs found the blob, %d re-uploads"
              + " after GC, %d GC runs,"
              + " %d blobs deleted while running, %d in the final run, %d garbage blobs,"
              + " %d slow-client refusals%n",
          race.iterations.get(),
          race.pushed.size(),
          race.oldBlobsFoundByHead.get(),
          race.reuploads.get(),
          race.gcRuns.get(),
          race.deletedDuringRun.get(),
          last.blobsDeleted(),
          race.garbage.size(),
          race.slowClientRefusals.size());
      race.slowClientRefusals.forEach(refusal -> System.out.println("  slow client: " + refusal));

      assertThat(race.errors).as("errors in workers or collector").isEmpty();
      assertThat(race.violations)
          .as("pushes refused with MANIFEST_BLOB_UNKNOWN within the grace period of the HEAD")
          .isEmpty();
      assertThat(race.pushed).isNotEmpty();
      assertThat(race.gcRuns.get()).isPositive();
      for (Pushed manifest : race.pushed) {
        assertThat(
                registry.manifests().get(manifest.repository(), Reference.of(manifest.manifest())))
            .as("manifest %s in %s", manifest.manifest(), manifest.repository())
            .isPresent()
            .get()
            .satisfies(
                stored ->
                    assertThat(Digest.sha256(stored.content())).isEqualTo(manifest.manifest()));
        for (Digest blob : manifest.blobs()) {
          assertThat(digestOfStored(registry, manifest.repository(), blob))
              .as("blob %s of manifest %s in %s", blob, manifest.manifest(), manifest.repository())
              .isEqualTo(blob);
        }
      }
      for (Map.Entry<Integer, Digest> entry : race.lastPushedByWorker.entrySet()) {
        assertThat(registry.tags().resolve(repositoryOf(entry.getKey()), tagOf(entry.getKey())))
            .contains(entry.getValue());
      }
      for (Garbage unused : race.garbage) {
        assertThat(blobFile(unused.digest()))
            .as("never-referenced blob %s", unused.digest())
            .doesNotExist();
        assertThat(registry.blobs().stat(unused.repository(), unused.digest())).isEmpty();
      }
    }
  }

  private static RepositoryName repositoryOf(int worker) {
    return REPOSITORIES.get(worker % REPOSITORIES.size());
  }

  private static Tag tagOf(int worker) {
    return Tag.parse("worker-" + worker);
  }

  private static byte[] randomBytes(int min, int max) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] bytes = new byte[random.nextInt(min, max + 1)];
    random.nextBytes(bytes);
    return bytes;
  }

  private static Digest digestOfStored(
      OciRegistry registry, RepositoryName repository, Digest digest) throws IOException {
    try (InputStream in = Channels.newInputStream(registry.blobs().open(repository, digest))) {
      return Digest.sha256(in.readAllBytes());
    } catch (RegistryException e) {
      return null;
    }
  }

  private Path blobFile(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm().id()).resolve(digest.hex());
  }

  private void makeAllBlobsOlderThan(Duration age) throws IOException {
    FileTime past = FileTime.from(Instant.now().minus(age));
    try (Stream<Path> files = Files.list(root.resolve("blobs/sha256"))) {
      for (Path file : files.toList()) {
        Files.setLastModifiedTime(file, past);
      }
    }
  }
}
