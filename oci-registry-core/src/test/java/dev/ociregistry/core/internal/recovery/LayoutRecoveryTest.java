package dev.ociregistry.core.internal.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.json.JsonObject;
import dev.ociregistry.core.layout.StoredBlob;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.core.testing.PausingStorage;
import dev.ociregistry.core.testing.TestContent;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // some tests open a registry only for what opening does to the root
class LayoutRecoveryTest {
  private static final RepositoryName APP = RepositoryName.parse("os-images/app");
  private static final RepositoryName TOOLS = RepositoryName.parse("tools");
  private static final byte[] LAYOUT_MARKER = Artifacts.utf8("{\"imageLayoutVersion\":\"1.0.0\"}");

  /** The lock file {@link OciRegistry#open(Path, RegistryOptions)} takes in the root. */
  private static final String ROOT_LOCK = ".lock";

  @TempDir Path root;

  @Test
  void openingEmptyDirectoryCreatesLayoutMarkerAndEmptyIndex() throws IOException {
    try (OciRegistry registry = open()) {
      assertThat(root.resolve("oci-layout")).hasBinaryContent(LAYOUT_MARKER);
      JsonObject index = readIndex();
      assertThat(index.integer("schemaVersion")).isEqualTo(2);
      assertThat(index.string("mediaType")).isEqualTo(MediaTypes.OCI_INDEX);
      assertThat(index.objects("manifests")).isEmpty();
      assertThat(root.resolve("tmp")).isEmptyDirectory();
    }
  }

  @Test
  void openingMissingDirectoryCreatesIt() throws IOException {
    Path nested = root.resolve("not/yet/there");

    try (OciRegistry registry = OciRegistry.open(nested, RegistryOptions.defaults())) {
      registry.recoveryProblems();
      assertThat(nested.resolve("oci-layout")).hasBinaryContent(LAYOUT_MARKER);
      assertThat(nested.resolve("index.json")).isRegularFile();
    }
  }

  @Test
  void crashedRootOpensCleanly() throws IOException {
    Blob config =
        Artifacts.blob(
            MediaTypes.OCI_CONFIG, Artifacts.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
    Blob layer = Artifacts.blob(MediaTypes.OCI_LAYER_TAR_GZIP, Artifacts.content(4000, 1));
    Manifest firstImage = Artifacts.image().config(config).layer(layer).build();
    byte[] first = firstImage.content();
    byte[] second = Artifacts.image().config(config).annotation("v", "2").build().content();
    byte[] tool =
        Artifacts.image().config(config).layer(layer).annotation("t", "1").build().content();
    byte[] uploadContent = Artifacts.content(200_000, 2);
    String upload;
    try (OciRegistry registry = open()) {
      for (RepositoryName repository : List.of(APP, TOOLS)) {
        TestContent.pushBlobs(registry, repository, firstImage);
      }
      putManifest(registry, APP, "keep", first);
      putManifest(registry, APP, "gone", first);
      putManifest(registry, APP, Digest.sha256(second).toString(), second);
      putManifest(registry, TOOLS, "latest", tool);
      upload = registry.uploads().start(APP).id();
      registry
          .uploads()
          .append(APP, upload, 0, 120_000, new ByteArrayInputStream(uploadContent, 0, 120_000));
    }
    assertThat(indexEntries().keySet())
        .containsExactlyInAnyOrder("os-images/app:keep", "os-images/app:gone", "tools:latest");

    // What a crash can leave: temporaries, an upload without state, and an index.json that
    // lags behind the _refs (one tag removed, one added).
    Files.writeString(root.resolve("tmp/" + UUID.randomUUID()), "half-written blob");
    Files.createDirectories(root.resolve("tmp/some/dir"));
    Files.writeString(root.resolve("tmp/some/dir/file"), "x");
    String stateless = UUID.randomUUID().toString();
    Files.createDirectories(root.resolve(LayoutKeys.upload(stateless)));
    Files.writeString(root.resolve(LayoutKeys.uploadData(stateless)), "orphan data");
    Files.createDirectories(root.resolve(LayoutKeys.upload("not-an-upload-id")));
    Files.delete(root.resolve(LayoutKeys.tag(APP, Tag.parse("gone"))));
    Files.writeString(
        root.resolve(LayoutKeys.tag(APP, Tag.parse("added"))),
        Digest.sha256(second).toString(),
        StandardCharsets.US_ASCII);

    try (OciRegistry registry = open()) {
      assertThat(root.resolve("tmp")).isEmptyDirectory();
      assertThat(root.resolve(LayoutKeys.upload(stateless))).doesNotExist();
      assertThat(root.resolve(LayoutKeys.upload("not-an-upload-id"))).doesNotExist();
      assertThat(registry.uploads().ids()).containsExactly(upload);

      Map<String, JsonObject> entries = indexEntries();
      assertThat(entries.keySet())
          .containsExactlyInAnyOrder("os-images/app:keep", "os-images/app:added", "tools:latest");
      assertDescriptor(entries.get("os-images/app:keep"), first);
      assertDescriptor(entries.get("os-images/app:added"), second);
      assertDescriptor(entries.get("tools:latest"), tool);

      assertThat(registry.uploads().status(APP, upload).offset()).isEqualTo(120_000);
      registry
          .uploads()
          .append(
              APP,
              upload,
              120_000,
              80_000,
              new ByteArrayInputStream(uploadContent, 120_000, 80_000));
      StoredBlob blob =
          registry.uploads().complete(APP, upload, Digest.sha256(uploadContent), -1, -1, null);
      assertThat(blob).isEqualTo(new StoredBlob(Digest.sha256(uploadContent), 200_000));
    }
  }

  @Test
  void intactRootKeepsIndexAndTagsAcrossReopen() throws IOException {
    byte[] manifest = pushImageTaggedV1();
    byte[] before = Files.readAllBytes(root.resolve("index.json"));

    try (OciRegistry registry = open()) {
      assertThat(root.resolve("index.json")).hasBinaryContent(before);
      assertThat(registry.tags().resolve(APP, Tag.parse("v1"))).contains(Digest.sha256(manifest));
    }
    assertDescriptor(indexEntries().get("os-images/app:v1"), manifest);
  }

  @Test
  void corruptOrMissingIndexIsRebuiltFromRefs() throws IOException {
    byte[] manifest = pushImageTaggedV1();

    Files.writeString(root.resolve("index.json"), "{\"schemaVersion\":2,\"manif");
    try (OciRegistry registry = open()) {
      assertThat(indexEntries().keySet()).containsExactly("os-images/app:v1");
    }

    Files.delete(root.resolve("index.json"));
    try (OciRegistry registry = open()) {
      assertThat(indexEntries().keySet()).containsExactly("os-images/app:v1");
      assertDescriptor(indexEntries().get("os-images/app:v1"), manifest);
    }
  }

  @Test
  void corruptLayoutMarkerIsRewritten() throws IOException {
    try (OciRegistry registry = open()) {
      // creates the root
    }
    Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVers");

    try (OciRegistry registry = open()) {
      assertThat(root.resolve("oci-layout")).hasBinaryContent(LAYOUT_MARKER);
    }
  }

  @Test
  void layoutMarkerWithoutVersionIsRewritten() throws IOException {
    Files.writeString(root.resolve("oci-layout"), "{}");

    try (OciRegistry registry = open()) {
      assertThat(root.resolve("oci-layout")).hasBinaryContent(LAYOUT_MARKER);
    }
  }

  @Test
  void openingRootThatThisProcessHasOpenFailsWithIOException() throws IOException {
    try (OciRegistry first = open()) {
      assertThatThrownBy(this::open)
          .isInstanceOf(IOException.class)
          .hasMessageContaining(root.getFileName().toString());

      // The first instance is unharmed.
      TestContent.pushBlob(first, APP, Artifacts.utf8("still usable"));
    }
    try (OciRegistry again = open()) {
      assertThat(again.blobs().stat(APP, Digest.sha256(Artifacts.utf8("still usable"))))
          .isPresent();
    }
  }

  @Test
  void failedSecondOpenInThisProcessKeepsRootLockedAgainstOtherProcesses() throws Exception {
    try (OciRegistry first = open()) {
      assertThat(probeLockFromAnotherProcess()).isEqualTo("held");

      assertThatThrownBy(this::open).isInstanceOf(IOException.class);

      // POSIX record locks belong to the process: closing any channel on the lock file drops them.
      assertThat(probeLockFromAnotherProcess()).isEqualTo("held");
    }
    assertThat(probeLockFromAnotherProcess()).isEqualTo("free");
  }

  @Test
  void tagChangesWhileTheIndexIsRebuiltInTheBackgroundAllEndInIt() throws Exception {
    pushImageTaggedV1();
    Manifest next =
        Artifacts.image()
            .config(Artifacts.blob(MediaTypes.OCI_CONFIG, Artifacts.utf8("{\"next\":1}")))
            .build();
    PausingStorage storage = new PausingStorage(new FileSystemStorage(root));
    PausingStorage.Pause rebuildAtV1 =
        storage.pauseAt(
            PausingStorage.Op.READ_SMALL,
            PausingStorage.When.BEFORE,
            LayoutKeys.tag(APP, Tag.parse("v1")));
    try (OciRegistry registry = OciRegistry.open(storage, RegistryOptions.defaults())) {
      rebuildAtV1.awaitReached();
      TestContent.pushBlobs(registry, APP, next);
      CompletableFuture<Void> tagging =
          CompletableFuture.runAsync(
              () -> {
                try {
                  putManifest(registry, APP, "v1", next.content());
                  putManifest(registry, APP, "v2", next.content());
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      rebuildAtV1.release();
      tagging.get(30, TimeUnit.SECONDS);

      assertThat(registry.recoveryProblems()).isEmpty();
      assertDescriptor(indexEntries().get("os-images/app:v1"), next.content());
      assertDescriptor(indexEntries().get("os-images/app:v2"), next.content());
      assertThat(indexEntries()).hasSize(2);
    }
  }

  /** Opens the root and waits for the index that opening rebuilds in the background. */
  private OciRegistry open() throws IOException {
    OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults());
    registry.recoveryProblems();
    return registry;
  }

  /** Pushes an image of an empty config to {@link #APP} as {@code v1}; returns its body. */
  private byte[] pushImageTaggedV1() throws IOException {
    Manifest image =
        Artifacts.image()
            .config(Artifacts.blob(MediaTypes.OCI_CONFIG, Artifacts.utf8("{}")))
            .build();
    try (OciRegistry registry = open()) {
      TestContent.pushBlobs(registry, APP, image);
      putManifest(registry, APP, "v1", image.content());
    }
    return image.content();
  }

  private static void putManifest(
      OciRegistry registry, RepositoryName repository, String reference, byte[] manifest)
      throws IOException {
    registry
        .manifests()
        .put(repository, Reference.parse(reference), manifest, MediaTypes.OCI_MANIFEST);
  }

  private JsonObject readIndex() throws IOException {
    return Json.parseObject(Files.readAllBytes(root.resolve("index.json")));
  }

  private Map<String, JsonObject> indexEntries() throws IOException {
    JsonObject index = readIndex();
    assertThat(index.integer("schemaVersion")).isEqualTo(2);
    assertThat(index.string("mediaType")).isEqualTo(MediaTypes.OCI_INDEX);
    List<JsonObject> manifests = index.objects("manifests");
    Map<String, JsonObject> byName = new LinkedHashMap<>();
    for (JsonObject descriptor : manifests) {
      String name = descriptor.stringMap("annotations").get(MediaTypes.REF_NAME_ANNOTATION);
      assertThat(name).isNotNull();
      assertThat(byName.put(name, descriptor)).as("duplicate ref name %s", name).isNull();
    }
    return byName;
  }

  private static void assertDescriptor(JsonObject descriptor, byte[] manifest) {
    assertThat(descriptor).isNotNull();
    assertThat(descriptor.string("mediaType")).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(descriptor.string("digest")).isEqualTo(Digest.sha256(manifest).toString());
    assertThat(descriptor.integer("size")).isEqualTo(manifest.length);
  }

  /** Runs {@link LockProbe} in a fresh JVM: "held" when the root lock is taken, else "free". */
  private String probeLockFromAnotherProcess() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockProbe.class.getName(),
                root.resolve(ROOT_LOCK).toString())
            .redirectErrorStream(true)
            .start();
    String output;
    try (Stream<String> lines = process.inputReader().lines()) {
      output = lines.collect(Collectors.joining("\n")).trim();
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return output;
  }

  /** Tries the root lock from another process and prints whether someone holds it. */
  static final class LockProbe {
    private LockProbe() {}

    public static void main(String[] args) throws IOException {
      try (FileChannel channel =
          FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = channel.tryLock();
        System.out.println(lock == null ? "held" : "free");
      }
    }
  }
}
