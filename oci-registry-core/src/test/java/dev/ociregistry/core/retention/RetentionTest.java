package dev.ociregistry.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryGlob;
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
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention rules as a provisioning platform's namespaces use them ("3 tags, 7 days" and so on).
 */
class RetentionTest {
  private static final RepositoryName TEST = RepositoryName.parse("provisioning-test/smoke");
  private static final RepositoryName PLATFORM =
      RepositoryName.parse("provisioning-platform/orchestrator");
  private static final RepositoryName ELSEWHERE = RepositoryName.parse("elsewhere/image");

  private static final RetentionPolicy POLICY =
      new RetentionPolicy(
          List.of(
              rule("provisioning-test/**", 3, Duration.ofDays(7), List.of()),
              rule("provisioning-platform/**", 5, Duration.ofDays(30), List.of("latest", "v*"))));

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
  void tagsBeyondTheNewestNOrOlderThanTheMaximumAgeGo() throws Exception {
    for (int day = 1; day <= 5; day++) {
      push(TEST, "build-" + day, Duration.ofDays(day));
    }
    push(TEST, "ancient", Duration.ofDays(9));

    RetentionReport report = registry.retention().apply(POLICY, false);

    assertThat(report.removed())
        .containsExactlyInAnyOrder(TEST + ":build-4", TEST + ":build-5", TEST + ":ancient");
    assertThat(tagsOf(TEST)).containsExactlyInAnyOrder("build-1", "build-2", "build-3");
  }

  @Test
  void tagsMatchingAKeepPatternAndTagsOfPinnedDigestsStay() throws Exception {
    push(PLATFORM, "latest", Duration.ofDays(90));
    push(PLATFORM, "v1.0", Duration.ofDays(60));
    Manifest pinned = push(PLATFORM, "pinned-build", Duration.ofDays(45));
    push(PLATFORM, "nightly", Duration.ofDays(40));
    registry.pins().pin("job-1", PLATFORM, Digest.parse(pinned.digest()));

    RetentionReport report = registry.retention().apply(POLICY, false);

    assertThat(report.removed()).containsExactly(PLATFORM + ":nightly");
    assertThat(tagsOf(PLATFORM)).containsExactlyInAnyOrder("latest", "v1.0", "pinned-build");
  }

  @Test
  void aDryRunListsAndRemovesNothingAndRepositoriesWithoutARuleKeepEverything() throws Exception {
    push(TEST, "old", Duration.ofDays(30));
    push(ELSEWHERE, "old", Duration.ofDays(300));

    RetentionReport dry = registry.retention().apply(POLICY, true);

    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.removed()).containsExactly(TEST + ":old");
    assertThat(tagsOf(TEST)).containsExactly("old");
    assertThat(registry.retention().apply(POLICY, false).removed()).containsExactly(TEST + ":old");
    assertThat(tagsOf(ELSEWHERE)).containsExactly("old");
  }

  @Test
  void whatRetentionUntagsIsFreedByGarbageCollectionAfterTheGracePeriod() throws Exception {
    Manifest old = push(TEST, "old", Duration.ofDays(30));
    registry.retention().apply(POLICY, false);
    GcOptions collect = new GcOptions(Duration.ofHours(1), true, false);

    assertThat(registry.garbageCollector().collect(collect).manifestsDeleted()).isZero();

    Files.setLastModifiedTime(
        root.resolve(LayoutKeys.manifestLink(TEST, Digest.parse(old.digest()))),
        FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    for (Blob blob : old.blobs()) {
      Files.setLastModifiedTime(
          root.resolve(LayoutKeys.blob(Digest.parse(blob.digest()))),
          FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    }
    Files.setLastModifiedTime(
        root.resolve(LayoutKeys.blob(Digest.parse(old.digest()))),
        FileTime.from(Instant.now().minus(Duration.ofHours(2))));

    assertThat(registry.garbageCollector().collect(collect).manifestsDeleted()).isEqualTo(1);
    assertThat(registry.manifests().document(TEST, Digest.parse(old.digest()))).isEmpty();
  }

  private Manifest push(RepositoryName repository, String tag, Duration age) throws IOException {
    Manifest image = Artifacts.image(repository + ":" + tag);
    TestContent.pushBlobs(registry, repository, image);
    registry
        .manifests()
        .put(repository, Reference.of(Tag.parse(tag)), image.content(), image.mediaType());
    Files.setLastModifiedTime(
        root.resolve(LayoutKeys.tag(repository, Tag.parse(tag))),
        FileTime.from(Instant.now().minus(age)));
    return image;
  }

  private List<String> tagsOf(RepositoryName repository) throws IOException {
    return registry.tags().list(repository).stream().map(Tag::value).toList();
  }

  private static RetentionPolicy.Rule rule(
      String glob, int keepNewest, Duration maxAge, List<String> alwaysKeep) {
    return new RetentionPolicy.Rule(
        RepositoryGlob.parse(glob),
        OptionalInt.of(keepNewest),
        Optional.of(maxAge),
        alwaysKeep.stream().map(RetentionPolicy::tagPattern).toList());
  }

  @Test
  void tagPatternsMatchWholeNamesAndRulesRefuseNegativeBounds() {
    assertThat(RetentionPolicy.tagPattern("v*").matcher("v1.2").matches()).isTrue();
    assertThat(RetentionPolicy.tagPattern("v*").matcher("xv1").matches()).isFalse();
    assertThat(RetentionPolicy.tagPattern("rc?").matcher("rc1").matches()).isTrue();
    assertThat(RetentionPolicy.tagPattern("rc?").matcher("rc10").matches()).isFalse();
    assertThat(RetentionPolicy.tagPattern("1.0").matcher("1x0").matches()).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new RetentionPolicy.Rule(
                    RepositoryGlob.parse("a/**"), OptionalInt.of(-1), Optional.empty(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new RetentionPolicy.Rule(
                    RepositoryGlob.parse("a/**"),
                    OptionalInt.empty(),
                    Optional.of(Duration.ofDays(-1)),
                    List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyTheNewestRuleOrOnlyTheAgeRuleAppliesWhenTheOtherIsMissing() throws Exception {
    for (int day = 1; day <= 3; day++) {
      push(TEST, "n" + day, Duration.ofDays(day * 10L));
    }
    RetentionPolicy newestOnly =
        new RetentionPolicy(
            List.of(
                new RetentionPolicy.Rule(
                    RepositoryGlob.parse("provisioning-test/**"),
                    OptionalInt.of(2),
                    Optional.empty(),
                    List.of())));
    RetentionPolicy ageOnly =
        new RetentionPolicy(
            List.of(
                new RetentionPolicy.Rule(
                    RepositoryGlob.parse("provisioning-test/**"),
                    OptionalInt.empty(),
                    Optional.of(Duration.ofDays(15)),
                    List.of())));

    assertThat(registry.retention().apply(newestOnly, true).removed())
        .containsExactly(TEST + ":n3");
    assertThat(registry.retention().apply(ageOnly, true).removed())
        .containsExactlyInAnyOrder(TEST + ":n2", TEST + ":n3");
  }
}
