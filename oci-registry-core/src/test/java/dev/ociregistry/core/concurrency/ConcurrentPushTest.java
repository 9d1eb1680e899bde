package dev.ociregistry.core.concurrency;

import static dev.ociregistry.core.testing.TestContent.bytes;
import static dev.ociregistry.core.testing.TestContent.imageManifest;
import static dev.ociregistry.core.testing.TestContent.pushBlob;
import static dev.ociregistry.core.testing.TestContent.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.json.JsonObject;
import dev.ociregistry.core.layout.StoredBlob;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.StoredManifest;
import dev.ociregistry.core.model.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentPushTest {
  private static final int THREADS = 8;
  private static final byte[] CONFIG = utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
  private static final byte[] LAYER = bytes(8192, 11);

  @TempDir Path root;

  @Test
  void sameBlobPushedConcurrentlyToSameAndDifferentRepositoriesIsStoredOnce() throws Exception {
    byte[] blob = bytes(256 * 1024, 5);
    Digest digest = Digest.sha256(blob);
    List<RepositoryName> repositories =
        IntStream.range(0, 6).mapToObj(i -> RepositoryName.parse("team/repo-" + i)).toList();
    try (OciRegistry registry = open()) {
      List<Callable<StoredBlob>> tasks = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        RepositoryName repository = repositories.get(i % repositories.size());
        tasks.add(() -> pushBlob(registry, repository, blob));
      }

      List<StoredBlob> results = runConcurrently(tasks);

      assertThat(results).allSatisfy(stored -> assertThat(stored.digest()).isEqualTo(digest));
      assertThat(listFiles(root.resolve("blobs/sha256"))).containsExactly(digest.hex());
      assertThat(Files.readAllBytes(root.resolve("blobs/sha256").resolve(digest.hex())))
          .isEqualTo(blob);
      assertThat(listFilesRecursively(root.resolve("tmp"))).isEmpty();
      for (RepositoryName repository : repositories) {
        assertThat(registry.blobs().stat(repository, digest))
            .contains(new StoredBlob(digest, blob.length));
        try (SeekableByteChannel channel = registry.blobs().open(repository, digest);
            InputStream in = Channels.newInputStream(channel)) {
          assertThat(in.readAllBytes()).isEqualTo(blob);
        }
      }
      assertThat(registry.blobs().stat(RepositoryName.parse("team/other"), digest)).isEmpty();
    }
  }

  @Test
  void concurrentPushesOfDifferentManifestsToOneTagLeaveRefGetAndIndexJsonInAgreement()
      throws Exception {
    RepositoryName repository = RepositoryName.parse("library/app");
    Tag tag = Tag.parse("latest");
    try (OciRegistry registry = open()) {
      pushBlob(registry, repository, CONFIG);
      pushBlob(registry, repository, LAYER);
      Map<Digest, byte[]> bodies = new HashMap<>();
      List<Callable<Digest>> tasks = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        byte[] body = manifest("build-" + i);
        bodies.put(Digest.sha256(body), body);
        tasks.add(
            () ->
                registry
                    .manifests()
                    .put(repository, Reference.of(tag), body, MediaTypes.OCI_MANIFEST)
                    .digest());
      }

      List<Digest> pushed = runConcurrently(tasks);

      assertThat(pushed).containsExactlyInAnyOrderElementsOf(bodies.keySet());
      String ref =
          Files.readString(
                  root.resolve("repositories/library/app/_refs/latest"), StandardCharsets.US_ASCII)
              .trim();
      Digest winner = Digest.parse(ref);
      assertThat(bodies).containsKey(winner);
      StoredManifest byTag = registry.manifests().get(repository, Reference.of(tag)).orElseThrow();
      assertThat(byTag.digest()).isEqualTo(winner);
      assertThat(byTag.content()).isEqualTo(bodies.get(winner));
      assertThat(registry.tags().list(repository)).containsExactly(tag);

      List<JsonObject> entries = indexEntriesNamed("library/app:latest");
      assertThat(entries).hasSize(1);
      assertThat(entries.get(0).string("digest")).isEqualTo(winner.toString());
      assertThat(entries.get(0).integer("size")).isEqualTo(bodies.get(winner).length);
      assertThat(entries.get(0).string("mediaType")).isEqualTo(MediaTypes.OCI_MANIFEST);

      for (Map.Entry<Digest, byte[]> body : bodies.entrySet()) {
        assertThat(
                registry
                    .manifests()
                    .get(repository, Reference.of(body.getKey()))
                    .orElseThrow()
                    .content())
            .isEqualTo(body.getValue());
      }
      assertThat(listFilesRecursively(root.resolve("tmp"))).isEmpty();
    }
  }

  @Test
  void concurrentPushesOfDifferentTagsInOneRepositoryAllLand() throws Exception {
    RepositoryName repository = RepositoryName.parse("library/app");
    try (OciRegistry registry = open()) {
      pushBlob(registry, repository, CONFIG);
      pushBlob(registry, repository, LAYER);
      Map<String, Digest> expected = new TreeMap<>();
      List<Callable<Digest>> tasks = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String tag = String.format("v%03d", i);
        byte[] body = manifest(i % 2 == 0 ? "shared" : "own-" + i);
        expected.put(tag, Digest.sha256(body));
        tasks.add(
            () ->
                registry
                    .manifests()
                    .put(repository, Reference.of(Tag.parse(tag)), body, MediaTypes.OCI_MANIFEST)
                    .digest());
      }

      runConcurrently(tasks);

      assertThat(registry.tags().list(repository))
          .extracting(Tag::value)
          .containsExactlyElementsOf(expected.keySet());
      for (Map.Entry<String, Digest> entry : expected.entrySet()) {
        assertThat(registry.tags().resolve(repository, Tag.parse(entry.getKey())))
            .contains(entry.getValue());
      }
      Map<String, Digest> inIndex = new TreeMap<>();
      for (JsonObject manifest : indexManifests()) {
        String name = manifest.stringMap("annotations").get(MediaTypes.REF_NAME_ANNOTATION);
        assertThat(inIndex.put(name, Digest.parse(manifest.string("digest"))))
            .as("duplicate " + name)
            .isNull();
      }
      Map<String, Digest> expectedRefNames =
          expected.entrySet().stream()
              .collect(
                  Collectors.toMap(
                      e -> "library/app:" + e.getKey(),
                      Map.Entry::getValue,
                      (a, b) -> a,
                      TreeMap::new));
      assertThat(inIndex).isEqualTo(expectedRefNames);
      assertThat(listFilesRecursively(root.resolve("tmp"))).isEmpty();
    }
  }

  @Test
  void concurrentPushesOfTagsAcrossRepositoriesAllLandInIndexJson() throws Exception {
    List<RepositoryName> repositories =
        IntStream.range(0, 8).mapToObj(i -> RepositoryName.parse("org/r" + i)).toList();
    try (OciRegistry registry = open()) {
      for (RepositoryName repository : repositories) {
        pushBlob(registry, repository, CONFIG);
        pushBlob(registry, repository, LAYER);
      }
      Map<String, Digest> expected = new ConcurrentHashMap<>();
      List<Callable<Digest>> tasks = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        RepositoryName repository = repositories.get(i % repositories.size());
        String tag = "t" + (i / repositories.size());
        byte[] body = manifest(repository + ":" + tag);
        expected.put(repository + ":" + tag, Digest.sha256(body));
        tasks.add(
            () ->
                registry
                    .manifests()
                    .put(repository, Reference.of(Tag.parse(tag)), body, null)
                    .digest());
      }

      runConcurrently(tasks);

      Map<String, Digest> inIndex = new HashMap<>();
      for (JsonObject manifest : indexManifests()) {
        inIndex.put(
            manifest.stringMap("annotations").get(MediaTypes.REF_NAME_ANNOTATION),
            Digest.parse(manifest.string("digest")));
      }
      assertThat(indexManifests()).hasSize(expected.size());
      assertThat(inIndex).isEqualTo(expected);
      for (RepositoryName repository : repositories) {
        assertThat(registry.tags().list(repository)).hasSize(80 / repositories.size());
      }
    }
  }

  @Test
  void sameManifestPushedConcurrentlyToManyRepositoriesIsStoredOnce() throws Exception {
    List<RepositoryName> repositories =
        IntStream.range(0, 4).mapToObj(i -> RepositoryName.parse("mirror/m" + i)).toList();
    byte[] body = manifest("shared");
    Digest digest = Digest.sha256(body);
    try (OciRegistry registry = open()) {
      for (RepositoryName repository : repositories) {
        pushBlob(registry, repository, CONFIG);
        pushBlob(registry, repository, LAYER);
      }
      List<Callable<Digest>> tasks = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        RepositoryName repository = repositories.get(i % repositories.size());
        Reference reference = i % 3 == 0 ? Reference.of(digest) : Reference.of(Tag.parse("latest"));
        tasks.add(() -> registry.manifests().put(repository, reference, body, null).digest());
      }

      assertThat(runConcurrently(tasks)).containsOnly(digest);

      assertThat(listFiles(root.resolve("blobs/sha256")))
          .containsExactlyInAnyOrder(
              Digest.sha256(CONFIG).hex(), Digest.sha256(LAYER).hex(), digest.hex());
      assertThat(Files.readAllBytes(root.resolve("blobs/sha256").resolve(digest.hex())))
          .isEqualTo(body);
      assertThat(listFilesRecursively(root.resolve("tmp"))).isEmpty();
      for (RepositoryName repository : repositories) {
        assertThat(registry.manifests().list(repository)).containsExactly(digest);
        assertThat(registry.tags().resolve(repository, Tag.parse("latest"))).contains(digest);
        assertThat(indexEntriesNamed(repository + ":latest"))
            .singleElement()
            .satisfies(entry -> assertThat(entry.string("digest")).isEqualTo(digest.toString()));
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private OciRegistry open() throws IOException {
    OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults());
    // index.json is rebuilt in the background as the registry opens; the tests read it.
    registry.recoveryProblems();
    return registry;
  }

  private static byte[] manifest(String id) {
    return imageManifest(CONFIG, List.of(LAYER), Map.of("annotations", Map.of("id", id)));
  }

  /**
   * Runs every task on a fixed pool once all are queued, so that they contend; rethrows the first
   * failure.
   */
  private static <T> List<T> runConcurrently(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      start.countDown();
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private List<JsonObject> indexManifests() throws IOException {
    return Json.parseObject(Files.readAllBytes(root.resolve("index.json"))).objects("manifests");
  }

  private List<JsonObject> indexEntriesNamed(String refName) throws IOException {
    return indexManifests().stream()
        .filter(m -> refName.equals(m.stringMap("annotations").get(MediaTypes.REF_NAME_ANNOTATION)))
        .toList();
  }

  private static List<String> listFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(path -> path.getFileName().toString()).toList();
    }
  }

  private static List<Path> listFilesRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }
}
