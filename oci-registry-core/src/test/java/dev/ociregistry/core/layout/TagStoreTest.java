package dev.ociregistry.core.layout;

import static dev.ociregistry.core.testing.TestContent.pushBlobs;
import static dev.ociregistry.testkit.Artifacts.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.json.JsonObject;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Page;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@SuppressWarnings("try") // a test opens a registry only for what opening does to the root
class TagStoreTest {
  private static final RepositoryName REPO = RepositoryName.parse("library/app");
  private static final Blob CONFIG =
      Artifacts.blob(MediaTypes.OCI_CONFIG, utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
  private static final Blob LAYER =
      Artifacts.blob(MediaTypes.OCI_LAYER_TAR_GZIP, Artifacts.content(2048, 7));

  @TempDir Path root;

  @Test
  void listReturnsTagsInCaseInsensitiveLexicalOrder() throws IOException {
    List<String> pushedOrder =
        List.of("v1.9", "latest", "V2", "1.0", "v1.10", "_build", "v1-rc", "a", "Z", "0", "v1");
    try (OciRegistry registry = open()) {
      byte[] body = pushManifestBlobs(registry, REPO, "one");
      for (String tag : pushedOrder) {
        putTag(registry, REPO, tag, body);
      }

      // The spec: "lexical order (i.e. case-insensitive alphanumeric order)".
      List<String> expected =
          List.of("0", "1.0", "_build", "a", "latest", "v1", "v1-rc", "v1.10", "v1.9", "V2", "Z");
      assertThat(registry.tags().list(REPO))
          .extracting(Tag::value)
          .containsExactlyElementsOf(expected);
      assertThat(registry.tags().list(REPO, Optional.empty(), 100).items())
          .extracting(Tag::value)
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void listOfARepositoryWithoutTagsIsEmpty() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushManifestBlobs(registry, REPO, "one");
      registry.manifests().put(REPO, Reference.of(Digest.sha256(body)), body, null);

      assertThat(registry.tags().list(REPO)).isEmpty();
      Page<Tag> page = registry.tags().list(REPO, Optional.empty(), 10);
      assertThat(page.items()).isEmpty();
      assertThat(page.more()).isFalse();
      assertThat(registry.tags().list(RepositoryName.parse("never/pushed"))).isEmpty();
    }
  }

  @ParameterizedTest(name = "page size {0}")
  @ValueSource(ints = {1, 7, 24, 25, 100})
  void paginationWalksEveryTagExactlyOnceAndMoreIsExact(int pageSize) throws IOException {
    List<String> all = IntStream.range(0, 25).mapToObj(i -> String.format("tag-%02d", i)).toList();
    try (OciRegistry registry = open()) {
      byte[] body = pushManifestBlobs(registry, REPO, "one");
      List<String> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, new Random(42));
      for (String tag : shuffled) {
        putTag(registry, REPO, tag, body);
      }

      List<String> walked = new ArrayList<>();
      Optional<String> last = Optional.empty();
      int pages = 0;
      while (true) {
        Page<Tag> page = registry.tags().list(REPO, last, pageSize);
        pages++;
        assertThat(page.items()).hasSizeLessThanOrEqualTo(pageSize);
        page.items().forEach(tag -> walked.add(tag.value()));
        assertThat(page.more()).isEqualTo(walked.size() < all.size());
        if (!page.more()) {
          break;
        }
        assertThat(page.items()).hasSize(pageSize);
        last = Optional.of(page.items().get(page.items().size() - 1).value());
        assertThat(pages).isLessThanOrEqualTo(all.size());
      }

      assertThat(walked).containsExactlyElementsOf(all);
      assertThat(pages).isEqualTo((all.size() + pageSize - 1) / pageSize);
    }
  }

  @Test
  void lastThatIsNotATagStartsAfterItsLexicalPosition() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushManifestBlobs(registry, REPO, "one");
      for (String tag : List.of("b", "d", "f")) {
        putTag(registry, REPO, tag, body);
      }

      assertPage(registry, "a", 10, List.of("b", "d", "f"), false);
      assertPage(registry, "0", 10, List.of("b", "d", "f"), false);
      assertPage(registry, "c", 10, List.of("d", "f"), false);
      assertPage(registry, "c", 1, List.of("d"), true);
      assertPage(registry, "bb", 2, List.of("d", "f"), false);
      assertPage(registry, "e", 1, List.of("f"), false);
      assertPage(registry, "f", 5, List.of(), false);
      assertPage(registry, "z", 5, List.of(), false);
      assertPage(registry, "d", 1, List.of("f"), false);
    }
  }

  @Test
  void tagMoveUpdatesTheRefFileAndIndexJson() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] first = pushManifestBlobs(registry, REPO, "first");
      byte[] second = pushManifestBlobs(registry, REPO, "second-and-longer");
      putTag(registry, REPO, "latest", first);
      putTag(registry, REPO, "stable", first);
      assertThat(refFile(REPO, "latest")).isEqualTo(Digest.sha256(first).toString());

      putTag(registry, REPO, "latest", second);

      assertThat(refFile(REPO, "latest")).isEqualTo(Digest.sha256(second).toString());
      assertThat(registry.tags().resolve(REPO, Tag.parse("latest")))
          .contains(Digest.sha256(second));
      Map<String, JsonObject> index = indexEntries();
      assertThat(index).containsOnlyKeys("library/app:latest", "library/app:stable");
      JsonObject latest = index.get("library/app:latest");
      assertThat(latest.string("digest")).isEqualTo(Digest.sha256(second).toString());
      assertThat(latest.integer("size")).isEqualTo(second.length);
      assertThat(latest.string("mediaType")).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(index.get("library/app:stable").string("digest"))
          .isEqualTo(Digest.sha256(first).toString());
      assertThat(
              registry
                  .manifests()
                  .get(REPO, Reference.of(Tag.parse("latest")))
                  .orElseThrow()
                  .content())
          .isEqualTo(second);
      assertThat(registry.tags().tagsOf(REPO, Digest.sha256(first)))
          .containsExactly(Tag.parse("stable"));
      assertThat(registry.tags().tagsOf(REPO, Digest.sha256(second)))
          .containsExactly(Tag.parse("latest"));
    }
  }

  @Test
  void deletingATagRemovesItsRefFileAndIndexEntry() throws IOException {
    try (OciRegistry registry = open()) {
      byte[] body = pushManifestBlobs(registry, REPO, "one");
      putTag(registry, REPO, "a", body);
      putTag(registry, REPO, "b", body);

      assertThat(registry.tags().delete(REPO, Tag.parse("a"))).isTrue();
      assertThat(registry.tags().delete(REPO, Tag.parse("a"))).isFalse();

      assertThat(root.resolve("repositories/library/app/_refs/a")).doesNotExist();
      assertThat(registry.tags().list(REPO)).containsExactly(Tag.parse("b"));
      assertThat(indexEntries()).containsOnlyKeys("library/app:b");
    }
  }

  @Test
  void indexJsonAfterOperationsIsAValidOciIndexNamingEveryTagAsRepositoryColonTag()
      throws IOException {
    RepositoryName nested = RepositoryName.parse("os-images/ubuntu-rootfs");
    RepositoryName plain = RepositoryName.parse("app");
    try (OciRegistry registry = open()) {
      byte[] one = pushManifestBlobs(registry, REPO, "one");
      byte[] two = pushManifestBlobs(registry, REPO, "two");
      byte[] three = pushManifestBlobs(registry, nested, "three");
      byte[] four = pushManifestBlobs(registry, plain, "four");
      putTag(registry, REPO, "v1", one);
      putTag(registry, REPO, "v2", two);
      putTag(registry, REPO, "gone", two);
      putTag(registry, REPO, "moved", one);
      putTag(registry, REPO, "moved", two);
      registry.manifests().put(REPO, Reference.of(Digest.sha256(one)), one, null);
      putTag(registry, nested, "22.04", three);
      putTag(registry, nested, "doomed", three);
      putTag(registry, plain, "latest", four);
      putTag(registry, plain, "old", one);
      byte[] index =
          Artifacts.index()
              .manifest(Artifacts.manifest(MediaTypes.OCI_MANIFEST, four))
              .build()
              .content();
      registry.manifests().put(plain, Reference.of(Tag.parse("multi")), index, null);
      registry.manifests().deleteTag(REPO, Tag.parse("gone"));
      registry.manifests().delete(nested, Digest.sha256(three));
      putTag(registry, nested, "24.04", pushManifestBlobs(registry, nested, "five"));

      byte[] raw = Files.readAllBytes(root.resolve("index.json"));
      JsonObject document = Json.parseObject(raw);
      assertThat(document.integer("schemaVersion")).isEqualTo(2);
      assertThat(document.string("mediaType")).isEqualTo(MediaTypes.OCI_INDEX);

      Map<String, String> expected = new HashMap<>();
      for (RepositoryName repository : List.of(REPO, nested, plain)) {
        for (Tag tag : registry.tags().list(repository)) {
          expected.put(repository.value() + ":" + tag.value(), refFile(repository, tag.value()));
        }
      }
      assertThat(expected)
          .containsOnlyKeys(
              "library/app:v1",
              "library/app:v2",
              "library/app:moved",
              "os-images/ubuntu-rootfs:24.04",
              "app:latest",
              "app:old",
              "app:multi");

      Map<String, String> actual = new HashMap<>();
      for (JsonObject manifest : document.objects("manifests")) {
        Digest digest = Digest.parse(manifest.string("digest"));
        Path blob = root.resolve("blobs/sha256").resolve(digest.hex());
        assertThat(blob).isRegularFile();
        assertThat(manifest.integer("size")).isEqualTo(Files.size(blob));
        assertThat(manifest.string("mediaType"))
            .isEqualTo(Json.parseObject(Files.readAllBytes(blob)).string("mediaType"));
        Map<String, String> annotations = manifest.stringMap("annotations");
        assertThat(annotations).containsKey(MediaTypes.REF_NAME_ANNOTATION);
        String refName = annotations.get(MediaTypes.REF_NAME_ANNOTATION);
        assertThat(actual.put(refName, digest.toString())).as("duplicate " + refName).isNull();
      }
      assertThat(actual).isEqualTo(expected);
      assertThat(actual.get("app:multi")).isEqualTo(Digest.sha256(index).toString());
      assertThat(
              document.objects("manifests").stream()
                  .filter(
                      m ->
                          m.stringMap("annotations")
                              .get(MediaTypes.REF_NAME_ANNOTATION)
                              .equals("app:multi"))
                  .findFirst()
                  .orElseThrow()
                  .string("mediaType"))
          .isEqualTo(MediaTypes.OCI_INDEX);
      assertThat(
              Json.parseObject(Files.readAllBytes(root.resolve("oci-layout")))
                  .string("imageLayoutVersion"))
          .isEqualTo("1.0.0");
    }
  }

  @Test
  void indexJsonOfAFreshRootIsAnEmptyOciIndex() throws IOException {
    try (OciRegistry registry = open()) {
      JsonObject document = Json.parseObject(Files.readAllBytes(root.resolve("index.json")));
      assertThat(document.integer("schemaVersion")).isEqualTo(2);
      assertThat(document.objects("manifests")).isEmpty();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Opens the root and waits for the index that opening rebuilds in the background. */
  private OciRegistry open() throws IOException {
    OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults());
    registry.recoveryProblems();
    return registry;
  }

  /**
   * Pushes config and layer to {@code repository}; returns a manifest body unique to {@code id}.
   */
  private static byte[] pushManifestBlobs(
      OciRegistry registry, RepositoryName repository, String id) throws IOException {
    Manifest image = Artifacts.image().config(CONFIG).layer(LAYER).annotation("id", id).build();
    pushBlobs(registry, repository, image);
    return image.content();
  }

  private static void putTag(
      OciRegistry registry, RepositoryName repository, String tag, byte[] body) throws IOException {
    registry
        .manifests()
        .put(repository, Reference.of(Tag.parse(tag)), body, MediaTypes.OCI_MANIFEST);
  }

  private void assertPage(
      OciRegistry registry, String last, int n, List<String> items, boolean more)
      throws IOException {
    Page<Tag> page = registry.tags().list(REPO, Optional.of(last), n);
    assertThat(page.items())
        .as("last=%s n=%d", last, n)
        .extracting(Tag::value)
        .containsExactlyElementsOf(items);
    assertThat(page.more()).as("more for last=%s n=%d", last, n).isEqualTo(more);
  }

  private String refFile(RepositoryName repository, String tag) throws IOException {
    Path ref =
        root.resolve("repositories").resolve(repository.value()).resolve("_refs").resolve(tag);
    return Files.readString(ref, StandardCharsets.US_ASCII).trim();
  }

  private Map<String, JsonObject> indexEntries() throws IOException {
    Map<String, JsonObject> entries = new LinkedHashMap<>();
    JsonObject index = Json.parseObject(Files.readAllBytes(root.resolve("index.json")));
    for (JsonObject manifest : index.objects("manifests")) {
      String name = manifest.stringMap("annotations").get(MediaTypes.REF_NAME_ANNOTATION);
      assertThat(entries.put(name, manifest)).as("duplicate " + name).isNull();
    }
    return entries;
  }
}
