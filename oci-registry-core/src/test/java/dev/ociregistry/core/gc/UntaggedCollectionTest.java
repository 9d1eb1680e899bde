package dev.ociregistry.core.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.testing.TestContent;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Untagged manifests collected as users expect: one that lost its tag goes once it has been
 * untagged for the grace period, never at once; the report says what kept the others, and a dry run
 * lists what would go.
 */
class UntaggedCollectionTest {
  private static final RepositoryName REPO = RepositoryName.parse("os-images/ubuntu-rootfs");
  private static final Duration GRACE = Duration.ofHours(1);
  private static final GcOptions COLLECT_UNTAGGED = new GcOptions(GRACE, true, false);

  @TempDir Path root;
  private OciRegistry registry;

  @BeforeEach
  void open() throws IOException {
    registry = OciRegistry.open(root, RegistryOptions.defaults());
  }

  @AfterEach
  void close() throws IOException {
    registry.close();
  }

  @Test
  void aTagMovedJustBeforeARunKeepsItsOldManifestForTheGracePeriod() throws Exception {
    Manifest lastWeek = push(Artifacts.image("last week"), "22.04");
    TestContent.makeEverythingOld(root);
    Manifest thisWeek = push(Artifacts.image("this week"), "22.04");

    GcReport first = collect();

    assertThat(first.manifestsDeleted()).isZero();
    assertThat(first.manifestsKept()).contains(entry("tagged", 1L), entry("young", 1L));
    assertWhole(lastWeek);

    age(LayoutKeys.manifestLink(REPO, digest(lastWeek)), GRACE.plusMinutes(1));
    GcReport second = collect();

    assertThat(second.manifestsDeleted()).isEqualTo(1);
    assertThat(registry.manifests().document(REPO, digest(lastWeek))).isEmpty();
    assertThat(registry.blobs().stat(REPO, Digest.parse(lastWeek.blobs().get(1).digest())))
        .isEmpty();
    assertWhole(thisWeek);
  }

  @Test
  void aDeletedTagStartsItsManifestsUntaggedAge() throws Exception {
    Manifest image = push(Artifacts.image("retired"), "20.04");
    TestContent.makeEverythingOld(root);
    registry.manifests().deleteTag(REPO, Tag.parse("20.04"));

    assertThat(collect().manifestsDeleted()).isZero();
    assertWhole(image);

    age(LayoutKeys.manifestLink(REPO, digest(image)), GRACE.plusMinutes(1));
    assertThat(collect().manifestsDeleted()).isEqualTo(1);
  }

  @Test
  void anUnpinnedManifestKeepsItsContentForTheGracePeriod() throws Exception {
    Manifest jobArtifact = pushByDigest(Artifacts.image("job artifact"));
    registry.pins().pin("job-1", REPO, digest(jobArtifact));
    TestContent.makeEverythingOld(root);
    registry.pins().unpin("job-1");

    assertThat(collect().manifestsDeleted()).isZero();
    assertWhole(jobArtifact);

    age(LayoutKeys.manifestLink(REPO, digest(jobArtifact)), GRACE.plusMinutes(1));
    GcReport later = collect();

    assertThat(later.manifestsDeleted()).isEqualTo(1);
    assertThat(registry.manifests().document(REPO, digest(jobArtifact))).isEmpty();
  }

  @Test
  void anUnpinnedBlobKeepsItsGracePeriod() throws Exception {
    Digest blob = TestContent.pushBlob(registry, REPO, TestContent.utf8("a pinned file")).digest();
    registry.pins().pin("job-2", REPO, blob);
    TestContent.makeEverythingOld(root);
    registry.pins().unpin("job-2");

    assertThat(collect().blobsDeleted()).isZero();
    assertThat(registry.blobs().stat(REPO, blob)).isPresent();

    age(LayoutKeys.blob(blob), GRACE.plusMinutes(1));
    assertThat(collect().blobsDeleted()).isEqualTo(1);
  }

  @Test
  void theReportSaysWhatKeptEachManifest() throws Exception {
    Manifest tagged = push(Artifacts.image("tagged"), "1");
    Manifest pinned = pushByDigest(Artifacts.image("pinned"));
    Manifest child = pushByDigest(Artifacts.image("child"));
    push(Artifacts.index().manifest(child).build(), "multi");
    pushByDigest(Artifacts.image().subject(tagged).artifactType("application/spdx+json").build());
    registry.pins().pin("job-1", REPO, digest(pinned));
    TestContent.makeEverythingOld(root);
    Manifest young = pushByDigest(Artifacts.image("young"));

    GcReport report = collect();

    assertThat(report.manifestsDeleted()).isZero();
    assertThat(report.manifestsKept())
        .containsExactly(
            entry("tagged", 2L),
            entry("pinned", 1L),
            entry("young", 1L),
            entry("referrer", 1L),
            entry("index child", 1L),
            entry("refused", 0L));
    assertWhole(young);
  }

  @Test
  void aDryRunListsWhatARealRunThenDeletes() throws Exception {
    push(Artifacts.image("kept"), "latest");
    Manifest orphan = pushByDigest(Artifacts.image("orphan"));
    TestContent.makeEverythingOld(root);

    GcReport dry = registry.garbageCollector().collect(new GcOptions(GRACE, true, true));

    assertThat(dry.wouldDelete())
        .containsExactlyInAnyOrder(
            REPO + "@" + orphan.digest(),
            orphan.digest(),
            orphan.blobs().get(0).digest(),
            orphan.blobs().get(1).digest());
    assertWhole(orphan);
    GcReport real = collect();
    assertThat(real.wouldDelete()).isEmpty();
    assertThat(real.manifestsDeleted()).isEqualTo(1);
    assertThat(real.blobsDeleted()).isEqualTo(3);
  }

  @Test
  void aPushThatMayNotMoveATagIsRefusedAndLeavesTheTagWhereItWas() throws Exception {
    Manifest first = push(Artifacts.image("first"), "1");
    Manifest second = Artifacts.image("second");
    TestContent.pushBlobs(registry, REPO, second);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                registry
                    .manifests()
                    .put(
                        REPO,
                        Reference.of(Tag.parse("1")),
                        second.content(),
                        second.mediaType(),
                        false))
        .isInstanceOfSatisfying(
            dev.ociregistry.core.error.RegistryException.class,
            e -> assertThat(e.code()).isEqualTo(dev.ociregistry.core.error.ErrorCode.DENIED));
    assertThat(registry.tags().resolve(REPO, Tag.parse("1"))).contains(digest(first));
    registry
        .manifests()
        .put(REPO, Reference.of(Tag.parse("1")), first.content(), first.mediaType(), false);
    assertThat(registry.tags().resolve(REPO, Tag.parse("1"))).contains(digest(first));
  }

  private GcReport collect() throws IOException {
    return registry.garbageCollector().collect(COLLECT_UNTAGGED);
  }

  private Manifest push(Manifest manifest, String tag) throws IOException {
    TestContent.pushBlobs(registry, REPO, manifest);
    registry
        .manifests()
        .put(REPO, Reference.of(Tag.parse(tag)), manifest.content(), manifest.mediaType());
    return manifest;
  }

  private Manifest pushByDigest(Manifest manifest) throws IOException {
    TestContent.pushBlobs(registry, REPO, manifest);
    registry
        .manifests()
        .put(REPO, Reference.of(digest(manifest)), manifest.content(), manifest.mediaType());
    return manifest;
  }

  private void assertWhole(Manifest manifest) throws IOException {
    assertThat(registry.manifests().document(REPO, digest(manifest))).isPresent();
    for (Blob blob : manifest.blobs()) {
      assertThat(registry.blobs().stat(REPO, Digest.parse(blob.digest()))).isPresent();
    }
  }

  private static Digest digest(Manifest manifest) {
    return Digest.parse(manifest.digest());
  }

  private void age(String key, Duration age) throws IOException {
    Files.setLastModifiedTime(root.resolve(key), FileTime.from(Instant.now().minus(age)));
  }
}
