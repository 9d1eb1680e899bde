package dev.ociregistry.controller.e2e;

import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar killed (SIGKILL) at random moments while concurrent clients push monolithic and chunked
 * blobs, share layers, move and delete tags and delete manifests; restarted, it must hold every
 * acknowledged write: each acknowledged tag resolves to the manifest last acknowledged for it, and
 * its content matches its digest; every blob on disk matches its name; {@code index.json} parses
 * and agrees with the refs; no temporary file survives; an upload cut off resumes from the offset
 * the client was last told. Prints the figures.
 *
 * <p>{@code -Dreliability.crashRounds=N} and {@code -Dreliability.crashClients=N} set the rounds
 * (default 5) and the concurrent clients (default 8); the long profile runs 50 rounds with 200.
 */
class CrashLoopIT {
  private static final int ROUNDS = Integer.getInteger("reliability.crashRounds", 5);
  private static final int CLIENTS = Integer.getInteger("reliability.crashClients", 8);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path workDir;

  /**
   * What a client was told of one tag: its manifest (empty once its deletion was acknowledged), and
   * the change it sent when the server was killed before answering, which may or may not have
   * happened.
   */
  private record TagState(
      Optional<Artifacts.Manifest> acknowledged, Optional<Optional<Artifacts.Manifest>> unknown) {
    TagState sent(Optional<Artifacts.Manifest> change) {
      return new TagState(acknowledged, Optional.of(change));
    }

    static TagState acknowledged(Optional<Artifacts.Manifest> state) {
      return new TagState(state, Optional.empty());
    }
  }

  /** Each tag ("repository:tag") by what its client was told. */
  private final Map<String, TagState> acknowledgedTags = new ConcurrentHashMap<>();

  /**
   * Uploads cut off mid-way: their location, content, the offset last acknowledged, and whether the
   * request closing them was under way (it may have finished before the server died).
   */
  private record OpenUpload(
      String repository, String location, byte[] content, long acknowledged, boolean closing) {}

  private final Map<String, OpenUpload> openUploads = new ConcurrentHashMap<>();

  /** Uploads the server closed, or was closing, when it died before its client heard. */
  private int closedUnheard;

  /** Uploads cut off mid-way that went on after a restart. */
  private int resumedUploads;

  @Test
  void killedAtRandomMomentsTheRegistryKeepsEveryAcknowledgedWrite() throws Exception {
    Path data = workDir.resolve("data");
    Map<String, String> env = ControllerJar.onAFreePort(Map.of("DATA_DIR", data.toString()));
    Random random = new Random(20261202L);
    List<Artifacts.Blob> shared = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      shared.add(Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(256 * 1024, 900 + i)));
    }
    AtomicLong operations = new AtomicLong();
    long started = System.nanoTime();
    for (int round = 0; round < ROUNDS; round++) {
      try (JarProcess controller = ControllerJar.start(workDir, env)) {
        controller.awaitListening();
        URI base = controller.base();
        TestHttp http = new TestHttp(base, Duration.ofSeconds(30));
        verify(http, data);
        resumeOpenUploads(http);

        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int client = 0; client < CLIENTS; client++) {
          long seed = random.nextLong();
          String name = "r" + round + "c" + client;
          clients.submit(() -> work(http, name, seed, shared, running, operations));
        }
        // The pause is the behaviour under test: the server dies at a random moment of the work.
        Thread.sleep(300 + random.nextInt(2500));
        controller.kill();
        running.set(false);
        clients.shutdownNow();
        assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      }
    }
    try (JarProcess controller = ControllerJar.start(workDir, env)) {
      controller.awaitListening();
      TestHttp http = new TestHttp(controller.base(), Duration.ofSeconds(30));
      verify(http, data);
      resumeOpenUploads(http);
      System.out.printf(
          "crash loop: %d rounds of SIGKILL with %d clients, %d acknowledged operations, %d tags"
              + " checked, %d cut-off uploads resumed, %d closed as the server died, 0 losses,"
              + " %.1f s%n",
          ROUNDS,
          CLIENTS,
          operations.get(),
          acknowledgedTags.size(),
          resumedUploads,
          closedUnheard,
          (System.nanoTime() - started) / 1e9);
    }
  }

  /** One client: pushes, moves and deletes its own tags over shared and own layers until killed. */
  private void work(
      TestHttp http,
      String name,
      long seed,
      List<Artifacts.Blob> shared,
      AtomicBoolean running,
      AtomicLong operations) {
    Random random = new Random(seed);
    Pusher pusher = new Pusher(http);
    String repository = "crash/" + name.substring(0, name.indexOf('c'));
    int step = 0;
    while (running.get()) {
      String tag = name + "-t" + random.nextInt(3);
      String reference = repository + ":" + tag;
      try {
        switch (random.nextInt(4)) {
          case 0 -> {
            TagState before = acknowledgedTags.get(reference);
            if (before != null) {
              acknowledgedTags.put(reference, before.sent(Optional.empty()));
            }
            int deleted = delete(http, "/v2/" + repository + "/manifests/" + tag);
            if (before != null) {
              acknowledgedTags.put(
                  reference, deleted == 202 ? TagState.acknowledged(Optional.empty()) : before);
            }
          }
          default -> {
            Artifacts.Blob own =
                Artifacts.blob(
                    Artifacts.OCI_LAYER,
                    Artifacts.content(8 * 1024 + random.nextInt(600_000), seed + step));
            Artifacts.Blob config = Artifacts.config(name + step);
            Artifacts.Manifest image =
                Artifacts.image()
                    .config(config)
                    .layer(shared.get(random.nextInt(shared.size())))
                    .layer(own)
                    .build();
            pusher.blob(repository, config);
            pusher.blob(repository, shared.get(random.nextInt(shared.size())));
            for (Artifacts.Blob blob : image.blobs()) {
              if (blob == own) {
                pushChunked(http, repository, own);
              } else {
                pusher.blob(repository, blob);
              }
            }
            TagState before =
                acknowledgedTags.getOrDefault(reference, TagState.acknowledged(Optional.empty()));
            acknowledgedTags.put(reference, before.sent(Optional.of(image)));
            TestHttp.Response pushed =
                http.put("/v2/" + repository + "/manifests/" + tag, OCI_MANIFEST, image.content());
            acknowledgedTags.put(
                reference,
                pushed.status() == 201 ? TagState.acknowledged(Optional.of(image)) : before);
          }
        }
        operations.incrementAndGet();
      } catch (IOException | RuntimeException e) {
        // the server was killed under this request: its outcome is unknown, so nothing is recorded
      }
      step++;
    }
  }

  private static int delete(TestHttp http, String path) throws IOException {
    return http.delete(path).status();
  }

  /** Pushes in two chunks, remembering the upload while it is open so that it can resume. */
  private void pushChunked(TestHttp http, String repository, Artifacts.Blob blob)
      throws IOException {
    String location =
        http.post("/v2/" + repository + "/blobs/uploads/", new byte[0])
            .expect(202)
            .header("Location")
            .orElseThrow();
    openUploads.put(location, new OpenUpload(repository, location, blob.content(), 0, false));
    int half = blob.content().length / 2;
    TestHttp.Response first =
        http.patch(location, "0-" + (half - 1), java.util.Arrays.copyOf(blob.content(), half))
            .expect(202);
    String next = first.header("Location").orElseThrow();
    openUploads.remove(location);
    openUploads.put(next, new OpenUpload(repository, next, blob.content(), half, true));
    http.closeUpload(next, blob.digest(), blob.content(), half).expect(201);
    openUploads.remove(next);
  }

  /**
   * Every upload cut off resumes: the registry reports at least the acknowledged offset and takes
   * the rest from what it reports.
   */
  private void resumeOpenUploads(TestHttp http) throws IOException {
    for (OpenUpload upload : List.copyOf(openUploads.values())) {
      TestHttp.Response status = http.get(upload.location());
      String digest = Digests.sha256(upload.content());
      if (upload.closing() && status.status() == 404) {
        // The server died while closing it, so its client never heard: the blob was published
        // (and may not be linked yet, as the link comes after the publish), or the client pushes
        // it again. Either way nothing acknowledged is lost and the content is whole.
        if (http.head("/v2/" + upload.repository() + "/blobs/" + digest).status() != 200) {
          new Pusher(http)
              .blob(upload.repository(), Artifacts.blob(Artifacts.OCI_LAYER, upload.content()));
        }
        openUploads.remove(upload.location());
        closedUnheard++;
        continue;
      }
      assertThat(status.status()).as(status.toString()).isEqualTo(204);
      String range = status.header("Range").orElseThrow();
      // "0-0" is what registries answer for an empty upload (this test never sends one byte).
      long offset = range.equals("0-0") ? 0 : Long.parseLong(range.split("-")[1]) + 1;
      assertThat(offset).isGreaterThanOrEqualTo(upload.acknowledged());
      String location = status.header("Location").orElseThrow();
      TestHttp.Response done = http.closeUpload(location, digest, upload.content(), (int) offset);
      assertThat(done.status()).as(done.toString()).isEqualTo(201);
      openUploads.remove(upload.location());
      resumedUploads++;
    }
  }

  /** The checks the class comment lists, after a restart. */
  private void verify(TestHttp http, Path data) throws IOException {
    Path registry = data.resolve("registry");
    for (Map.Entry<String, TagState> entry : acknowledgedTags.entrySet()) {
      String[] reference = entry.getKey().split(":");
      TestHttp.Response manifest = http.get("/v2/" + reference[0] + "/manifests/" + reference[1]);
      Optional<Artifacts.Manifest> found = found(entry.getValue(), manifest);
      assertThat(found)
          .as(
              "%s: neither what was acknowledged nor what was sent when the server died",
              entry.getKey())
          .isNotNull();
      acknowledgedTags.put(entry.getKey(), TagState.acknowledged(found));
      for (Artifacts.Blob blob : found.map(Artifacts.Manifest::blobs).orElse(List.of())) {
        TestHttp.Response pulled = http.get("/v2/" + reference[0] + "/blobs/" + blob.digest());
        assertThat(pulled.status()).as(entry.getKey() + " " + blob.digest()).isEqualTo(200);
        assertThat(Digests.sha256(pulled.body())).isEqualTo(blob.digest());
      }
    }
    Path blobDirectory = registry.resolve("blobs/sha256");
    if (!Files.isDirectory(blobDirectory)) {
      assertThat(acknowledgedTags).as("acknowledged tags with no blobs stored").isEmpty();
      return;
    }
    try (Stream<Path> blobs = Files.list(blobDirectory)) {
      for (Path blob : blobs.toList()) {
        try (InputStream in = Files.newInputStream(blob)) {
          assertThat("sha256:" + blob.getFileName())
              .as("blob content")
              .isEqualTo(Digests.sha256(in));
        }
      }
    }
    try (Stream<Path> temporaries = Files.list(registry.resolve("tmp"))) {
      assertThat(temporaries.toList()).as("temporary files after a restart").isEmpty();
    }
    assertThat(indexEntries(registry)).isEqualTo(refs(registry));
  }

  /**
   * Which of the states {@code state} allows the registry shows, or null when it shows another: a
   * tag that resolves to neither its acknowledged manifest nor the one being pushed when the server
   * died, or that is gone while its last acknowledged push stands.
   */
  private static Optional<Artifacts.Manifest> found(TagState state, TestHttp.Response manifest) {
    List<Optional<Artifacts.Manifest>> allowed = new ArrayList<>();
    allowed.add(state.acknowledged());
    state.unknown().ifPresent(allowed::add);
    for (Optional<Artifacts.Manifest> candidate : allowed) {
      if (candidate.isEmpty() && manifest.status() == 404) {
        return candidate;
      }
      if (candidate.isPresent()
          && manifest.status() == 200
          && Digests.sha256(manifest.body()).equals(candidate.get().digest())) {
        return candidate;
      }
    }
    return null;
  }

  /** {@code index.json} as "repository:tag" to digest. */
  private static Map<String, String> indexEntries(Path registry) throws IOException {
    JsonNode index = JSON.readTree(registry.resolve("index.json").toFile());
    Map<String, String> entries = new HashMap<>();
    for (JsonNode descriptor : index.get("manifests")) {
      entries.put(
          descriptor.get("annotations").get("org.opencontainers.image.ref.name").asText(),
          descriptor.get("digest").asText());
    }
    return entries;
  }

  /** The {@code _refs} files as "repository:tag" to digest. */
  private static Map<String, String> refs(Path registry) throws IOException {
    Path repositories = registry.resolve("repositories");
    Map<String, String> refs = new HashMap<>();
    if (!Files.isDirectory(repositories)) {
      return refs;
    }
    try (Stream<Path> files = Files.walk(repositories)) {
      for (Path ref : files.filter(Files::isRegularFile).toList()) {
        Path relative = repositories.relativize(ref);
        if (relative.getNameCount() >= 2
            && relative.getName(relative.getNameCount() - 2).toString().equals("_refs")) {
          String repository = relative.subpath(0, relative.getNameCount() - 2).toString();
          refs.put(
              repository + ":" + ref.getFileName(),
              Files.readString(ref, StandardCharsets.UTF_8).trim());
        }
      }
    }
    return refs;
  }
}
