package dev.ociregistry.core.layout;

import static dev.ociregistry.core.testing.TestContent.pushBlob;
import static dev.ociregistry.core.testing.TestContent.pushBlobs;
import static dev.ociregistry.testkit.Artifacts.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Page;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogTest {
  private static final Blob CONFIG =
      Artifacts.blob(MediaTypes.OCI_CONFIG, utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
  private static final Blob LAYER =
      Artifacts.blob(MediaTypes.OCI_LAYER_TAR_GZIP, Artifacts.content(1024, 3));

  @TempDir Path root;

  @Test
  void listsRepositoriesInLexicalOrderIncludingNestedNames() throws IOException {
    try (OciRegistry registry = open()) {
      for (String name : List.of("a/b/c", "a-c", "b", "a/b", "a", "a.b", "a0")) {
        pushImage(registry, name, "latest");
      }

      assertThat(names(registry.catalog().list()))
          .containsExactly("a", "a-c", "a.b", "a/b", "a/b/c", "a0", "b");
      assertThat(names(registry.catalog().list(Optional.empty(), 100).items()))
          .containsExactly("a", "a-c", "a.b", "a/b", "a/b/c", "a0", "b");
    }
  }

  @Test
  void listUnderANamespaceWalksOnlyBelowIt() throws IOException {
    try (OciRegistry registry = open()) {
      for (String name : List.of("a/b/c", "a-c", "b", "a/b", "a", "a/z", "ab/c")) {
        pushImage(registry, name, "latest");
      }

      assertThat(names(registry.catalog().listUnder(RepositoryName.parse("a"))))
          .containsExactly("a/b", "a/b/c", "a/z");
      assertThat(names(registry.catalog().listUnder(RepositoryName.parse("a/b"))))
          .containsExactly("a/b/c");
      assertThat(registry.catalog().listUnder(RepositoryName.parse("none"))).isEmpty();
    }
  }

  @Test
  void dashSortsBeforeSlashSoACComesBeforeAB() throws IOException {
    try (OciRegistry registry = open()) {
      pushImage(registry, "a/b", "latest");
      pushImage(registry, "a-c", "latest");

      assertThat(names(registry.catalog().list())).containsExactly("a-c", "a/b");
      Page<RepositoryName> afterDash = registry.catalog().list(Optional.of("a-c"), 10);
      assertThat(names(afterDash.items())).containsExactly("a/b");
      assertThat(afterDash.more()).isFalse();
      Page<RepositoryName> first = registry.catalog().list(Optional.empty(), 1);
      assertThat(names(first.items())).containsExactly("a-c");
      assertThat(first.more()).isTrue();
    }
  }

  @Test
  void aParentDirectoryOfANestedRepositoryIsNotARepository() throws IOException {
    try (OciRegistry registry = open()) {
      pushImage(registry, "team/project/app", "v1");

      assertThat(names(registry.catalog().list())).containsExactly("team/project/app");
      assertThat(registry.catalog().exists(RepositoryName.parse("team"))).isFalse();
      assertThat(registry.catalog().exists(RepositoryName.parse("team/project"))).isFalse();
      assertThat(registry.catalog().exists(RepositoryName.parse("team/project/app"))).isTrue();
    }
  }

  @ParameterizedTest(name = "page size {0}")
  @ValueSource(ints = {1, 3, 8, 9, 50})
  void paginationWalksEveryRepositoryExactlyOnce(int pageSize) throws IOException {
    List<String> all = List.of("a", "a-c", "a/b", "a/b/c", "b", "b/x", "c", "d.e", "z");
    try (OciRegistry registry = open()) {
      for (String name : List.of("z", "b/x", "a/b/c", "c", "a", "d.e", "a/b", "b", "a-c")) {
        pushBlobOnly(registry, name);
      }

      List<String> walked = new ArrayList<>();
      Optional<String> last = Optional.empty();
      int pages = 0;
      while (true) {
        Page<RepositoryName> page = registry.catalog().list(last, pageSize);
        pages++;
        assertThat(page.items()).hasSizeLessThanOrEqualTo(pageSize);
        walked.addAll(names(page.items()));
        assertThat(page.more()).isEqualTo(walked.size() < all.size());
        if (!page.more()) {
          break;
        }
        last = Optional.of(walked.get(walked.size() - 1));
        assertThat(pages).isLessThanOrEqualTo(all.size());
      }

      assertThat(walked).containsExactlyElementsOf(all);
      assertThat(pages).isEqualTo((all.size() + pageSize - 1) / pageSize);
    }
  }

  @Test
  void lastThatIsNotARepositoryStartsAfterItsLexicalPosition() throws IOException {
    try (OciRegistry registry = open()) {
      for (String name : List.of("b", "d", "d/e", "f")) {
        pushBlobOnly(registry, name);
      }

      assertThat(names(registry.catalog().list(Optional.of("a"), 10).items()))
          .containsExactly("b", "d", "d/e", "f");
      assertThat(names(registry.catalog().list(Optional.of("c"), 10).items()))
          .containsExactly("d", "d/e", "f");
      assertThat(names(registry.catalog().list(Optional.of("d-"), 10).items()))
          .containsExactly("d/e", "f");
      assertThat(names(registry.catalog().list(Optional.of("d/a"), 1).items()))
          .containsExactly("d/e");
      assertThat(registry.catalog().list(Optional.of("d/a"), 1).more()).isTrue();
      Page<RepositoryName> beyond = registry.catalog().list(Optional.of("zz"), 10);
      assertThat(beyond.items()).isEmpty();
      assertThat(beyond.more()).isFalse();
    }
  }

  @Test
  void repositoryNamedRefsUnderAnotherDoesNotCollideWithItsTags() throws IOException {
    RepositoryName parent = RepositoryName.parse("x");
    RepositoryName refs = RepositoryName.parse("x/refs");
    try (OciRegistry registry = open()) {
      Digest parentLatest = pushImage(registry, "x", "latest");
      Digest parentRefs = pushImage(registry, "x", "refs");
      Digest child = pushImage(registry, "x/refs", "other");

      assertThat(names(registry.catalog().list())).containsExactly("x", "x/refs");
      assertThat(registry.tags().list(parent))
          .containsExactly(Tag.parse("latest"), Tag.parse("refs"));
      assertThat(registry.tags().list(refs)).containsExactly(Tag.parse("other"));
      assertThat(registry.tags().resolve(parent, Tag.parse("refs"))).contains(parentRefs);
      assertThat(registry.tags().resolve(parent, Tag.parse("latest"))).contains(parentLatest);
      assertThat(registry.tags().resolve(refs, Tag.parse("other"))).contains(child);
      assertThat(registry.tags().resolve(refs, Tag.parse("latest"))).isEmpty();
      assertThat(registry.manifests().get(refs, Reference.of(Tag.parse("refs")))).isEmpty();
      assertThat(registry.manifests().get(parent, Reference.of(Tag.parse("other")))).isEmpty();
    }
  }

  @Test
  void namesWhoseComponentStartsWithUnderscoreAreRejected() {
    for (String name : List.of("x/_refs", "_refs", "x/_manifests", "x/_blobs/sha256")) {
      assertThatThrownBy(() -> RepositoryName.parse(name))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_INVALID));
    }
  }

  @Test
  void existsIsFalseBeforeAndTrueAfterAPush() throws IOException {
    RepositoryName images = RepositoryName.parse("images/app");
    RepositoryName blobsOnly = RepositoryName.parse("blobs/only");
    try (OciRegistry registry = open()) {
      assertThat(registry.catalog().exists(images)).isFalse();
      assertThat(registry.catalog().exists(blobsOnly)).isFalse();
      assertThat(registry.catalog().list()).isEmpty();

      pushImage(registry, images.value(), "v1");
      pushBlobOnly(registry, blobsOnly.value());

      assertThat(registry.catalog().exists(images)).isTrue();
      assertThat(registry.catalog().exists(blobsOnly)).isTrue();
      assertThat(registry.catalog().exists(RepositoryName.parse("images"))).isFalse();
      assertThat(registry.catalog().exists(RepositoryName.parse("images/other"))).isFalse();
      assertThat(names(registry.catalog().list())).containsExactly("blobs/only", "images/app");
    }
  }

  @Test
  void aRefusedManifestPushDoesNotCreateTheRepository() throws IOException {
    RepositoryName name = RepositoryName.parse("refused/app");
    try (OciRegistry registry = open()) {
      byte[] body = Artifacts.image().config(CONFIG).layer(LAYER).build().content();

      assertThatThrownBy(
              () ->
                  registry
                      .manifests()
                      .put(name, Reference.of(Tag.parse("v1")), body, MediaTypes.OCI_MANIFEST))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_BLOB_UNKNOWN));

      assertThat(registry.catalog().exists(name)).isFalse();
      assertThat(registry.catalog().list()).isEmpty();
    }
  }

  @Test
  void repositoriesSurviveAReopen() throws IOException {
    try (OciRegistry registry = open()) {
      pushImage(registry, "a/b", "v1");
      pushImage(registry, "a-c", "v1");
    }
    try (OciRegistry registry = open()) {
      assertThat(names(registry.catalog().list())).containsExactly("a-c", "a/b");
      assertThat(registry.catalog().exists(RepositoryName.parse("a/b"))).isTrue();
    }
  }

  // ---------------------------------------------------------------- helpers

  private OciRegistry open() throws IOException {
    return OciRegistry.open(root, RegistryOptions.defaults());
  }

  private static Digest pushImage(OciRegistry registry, String repository, String tag)
      throws IOException {
    RepositoryName name = RepositoryName.parse(repository);
    Manifest image =
        Artifacts.image()
            .config(CONFIG)
            .layer(LAYER)
            .annotation("id", repository + ":" + tag)
            .build();
    pushBlobs(registry, name, image);
    return registry
        .manifests()
        .put(name, Reference.of(Tag.parse(tag)), image.content(), MediaTypes.OCI_MANIFEST)
        .digest();
  }

  private static void pushBlobOnly(OciRegistry registry, String repository) throws IOException {
    pushBlob(registry, RepositoryName.parse(repository), LAYER);
  }

  private static List<String> names(List<RepositoryName> names) {
    return names.stream().map(RepositoryName::value).toList();
  }
}
