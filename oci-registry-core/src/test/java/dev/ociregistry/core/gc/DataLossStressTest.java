package dev.ociregistry.core.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.ManifestDocument;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushers (images over shared layers and indexes over them, by tag and by digest), pinners,
 * deleters and tag movers work against one store while a collector runs back to back with a grace
 * period of zero. Whatever a client was told is stored, and not deleted by a client since, must be
 * whole at the end: with untagged manifests kept, every acknowledged manifest; with them collected,
 * every tag and every pin. A push refused because a blob it needed was collected first is allowed
 * (the client uploads again, as real clients do); an acknowledged loss is not.
 *
 * <p>CI runs each variant for a few seconds; {@code -Dociregistry.stressSeconds=600} runs longer.
 */
class DataLossStressTest {
  private static final Duration RUN_TIME =
      Duration.ofSeconds(Long.getLong("ociregistry.stressSeconds", 3));
  private static final int WORKERS = 4;
  private static final List<RepositoryName> REPOSITORIES =
      List.of(RepositoryName.parse("stress/alpha"), RepositoryName.parse("stress/beta"));
  private static final List<Tag> TAGS =
      List.of(Tag.parse("latest"), Tag.parse("stable"), Tag.parse("22.04"), Tag.parse("24.04"));
  private static final List<Blob> SHARED_LAYERS = sharedLayers();

  @TempDir Path root;

  @Test
  void acknowledgedManifestsSurviveWhenUntaggedOnesAreKept() throws Exception {
    Stress stress = run(new GcOptions(Duration.ZERO, false, false));

    for (Acknowledged pushed : stress.acknowledged) {
      if (!stress.deleted.contains(pushed.key())) {
        stress.assertWhole(pushed.repository(), Digest.parse(pushed.manifest().digest()));
      }
    }
    stress.report();
  }

  @Test
  void tagsAndPinsStayWholeWhenUntaggedManifestsAreCollected() throws Exception {
    Stress stress = run(new GcOptions(Duration.ZERO, true, false));

    for (RepositoryName repository : REPOSITORIES) {
      for (Tag tag : stress.registry.tags().list(repository)) {
        Optional<Digest> digest = stress.registry.tags().resolve(repository, tag);
        assertThat(digest).as("tag %s:%s", repository, tag).isPresent();
        stress.assertWhole(repository, digest.get());
      }
    }
    for (Pin pin : stress.registry.pins().list()) {
      stress.assertWhole(pin.repository(), pin.digest());
    }
    stress.report();
  }

  private Stress run(GcOptions options) throws Exception {
    Stress stress = new Stress(OciRegistry.open(root, RegistryOptions.defaults()));
    ExecutorService threads = Executors.newFixedThreadPool(WORKERS + 1);
    try {
      List<Future<?>> work = new ArrayList<>();
      work.add(threads.submit(() -> stress.collectUntilStopped(options)));
      for (int i = 0; i < WORKERS; i++) {
        long seed = i;
        work.add(threads.submit(() -> stress.workUntilStopped(new Random(seed))));
      }
      long end = System.nanoTime() + RUN_TIME.toNanos();
      while (System.nanoTime() < end && work.stream().noneMatch(Future::isDone)) {
        Thread.onSpinWait();
        Thread.yield();
      }
      stress.stop.set(true);
      for (Future<?> future : work) {
        future.get();
      }
      // One more run once everything is quiet: it must not take what the busy ones kept.
      stress.registry.garbageCollector().collect(options);
      return stress;
    } finally {
      threads.shutdownNow();
      stress.registry.close();
    }
  }

  private record Acknowledged(RepositoryName repository, Manifest manifest) {
    String key() {
      return repository + "@" + manifest.digest();
    }
  }

  /** The store, what the workers were told, and the counts the test reports. */
  private static final class Stress {
    final OciRegistry registry;
    final AtomicBoolean stop = new AtomicBoolean();
    final Queue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
    final Set<String> deleted = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    Stress(OciRegistry registry) {
      this.registry = registry;
    }

    void count(String what) {
      counts.computeIfAbsent(what, w -> new AtomicLong()).incrementAndGet();
    }

    Void collectUntilStopped(GcOptions options) throws IOException {
      while (!stop.get()) {
        registry.garbageCollector().collect(options);
        count("gc runs");
      }
      return null;
    }

    Void workUntilStopped(Random random) throws IOException {
      long unique = 0;
      while (!stop.get()) {
        RepositoryName repository = REPOSITORIES.get(random.nextInt(REPOSITORIES.size()));
        int choice = random.nextInt(10);
        if (choice < 5) {
          pushImage(repository, random, random.nextLong() + ":" + unique++);
        } else if (choice < 6) {
          pushIndex(repository, random);
        } else if (choice < 8) {
          pinOrUnpin(random);
        } else if (choice < 9) {
          deleteManifest(random);
        } else {
          deleteTag(repository, random);
        }
      }
      return null;
    }

    private void pushImage(RepositoryName repository, Random random, String seed)
        throws IOException {
      Manifest image =
          Artifacts.image()
              .config(Artifacts.config(seed))
              .layer(SHARED_LAYERS.get(random.nextInt(SHARED_LAYERS.size())))
              .layer(Artifacts.layer("own layer of " + seed))
              .build();
      push(repository, image, random);
    }

    private void pushIndex(RepositoryName repository, Random random) throws IOException {
      List<Acknowledged> candidates =
          acknowledged.stream()
              .filter(a -> a.repository().equals(repository))
              .filter(a -> a.manifest().mediaType().equals(Artifacts.OCI_MANIFEST))
              .toList();
      if (candidates.isEmpty()) {
        return;
      }
      Manifest child = candidates.get(random.nextInt(candidates.size())).manifest();
      push(repository, Artifacts.index().manifest(child).build(), random);
    }

    /** Uploads what the manifest needs and pushes it, uploading again when a blob was collected. */
    private void push(RepositoryName repository, Manifest manifest, Random random)
        throws IOException {
      Reference reference =
          random.nextBoolean()
              ? Reference.of(TAGS.get(random.nextInt(TAGS.size())))
              : Reference.of(Digest.parse(manifest.digest()));
      for (int attempt = 0; attempt < 5; attempt++) {
        for (Blob blob : manifest.blobs()) {
          Digest digest = Digest.parse(blob.digest());
          if (registry.blobs().statAndRefresh(repository, digest).isEmpty()) {
            registry
                .blobs()
                .put(repository, digest, new ByteArrayInputStream(blob.content()), blob.size());
          }
        }
        try {
          registry.manifests().put(repository, reference, manifest.content(), manifest.mediaType());
          acknowledged.add(new Acknowledged(repository, manifest));
          count("manifests acknowledged");
          return;
        } catch (RegistryException e) {
          if (e.code() != ErrorCode.MANIFEST_BLOB_UNKNOWN) {
            throw e;
          }
          count("pushes refused for a collected blob, retried");
          if (manifest.blobs().isEmpty()) {
            return; // an index whose child was collected: nothing to upload again
          }
        }
      }
    }

    private void pinOrUnpin(Random random) throws IOException {
      String id = "job-" + random.nextInt(8);
      if (random.nextInt(3) == 0) {
        registry.pins().unpin(id);
        return;
      }
      Acknowledged target = pick(random);
      if (target == null) {
        return;
      }
      try {
        registry.pins().pin(id, target.repository(), Digest.parse(target.manifest().digest()));
        count("pins");
      } catch (RegistryException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN);
        count("pins refused: content already gone");
      }
    }

    private void deleteManifest(Random random) throws IOException {
      Acknowledged target = pick(random);
      if (target == null) {
        return;
      }
      // Recorded first: a delete that succeeds after a check at the end would be a false alarm.
      deleted.add(target.key());
      try {
        registry.manifests().delete(target.repository(), Digest.parse(target.manifest().digest()));
        count("manifests deleted");
      } catch (RegistryException e) {
        assertThat(e.code()).isIn(ErrorCode.DENIED, ErrorCode.MANIFEST_UNKNOWN);
        count("deletes refused");
      }
    }

    private void deleteTag(RepositoryName repository, Random random) throws IOException {
      try {
        registry.manifests().deleteTag(repository, TAGS.get(random.nextInt(TAGS.size())));
      } catch (RegistryException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN);
      }
    }

    private Acknowledged pick(Random random) {
      List<Acknowledged> all = List.copyOf(acknowledged);
      return all.isEmpty() ? null : all.get(random.nextInt(all.size()));
    }

    /**
     * The manifest, every blob it references and every child manifest, readable in the repository;
     * a child a client deleted by digest is the client's doing and not followed.
     */
    void assertWhole(RepositoryName repository, Digest manifest) throws IOException {
      Optional<ManifestDocument> document = registry.manifests().document(repository, manifest);
      assertThat(document).as("manifest %s@%s", repository, manifest).isPresent();
      for (Descriptor blob : document.get().blobs()) {
        try (InputStream in =
            Channels.newInputStream(registry.blobs().open(repository, blob.digest()))) {
          assertThat(in.readAllBytes().length)
              .as("blob %s of %s@%s", blob.digest(), repository, manifest)
              .isEqualTo(blob.size());
        }
      }
      for (Descriptor child : document.get().manifests()) {
        if (!deleted.contains(repository + "@" + child.digest())) {
          assertWhole(repository, child.digest());
        }
      }
    }

    void report() {
      System.out.println(
          "data-loss stress over " + RUN_TIME + ": " + new java.util.TreeMap<>(counts));
    }
  }

  private static List<Blob> sharedLayers() {
    List<Blob> layers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      layers.add(Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(2048, 100 + i)));
    }
    return List.copyOf(layers);
  }
}
