package dev.ociregistry.core.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.core.testing.PausingStorage;
import dev.ociregistry.core.testing.PausingStorage.Op;
import dev.ociregistry.core.testing.PausingStorage.Pause;
import dev.ociregistry.core.testing.PausingStorage.When;
import dev.ociregistry.core.testing.TestContent;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Await;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.LockSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way a push, pin, tag write or delete could overlap a collection or another delete and lose
 * content a client was told is stored, forced to happen exactly by stopping one thread at a named
 * storage step while another runs. Every test here failed on the code before the fix.
 */
class GcInterleavingsTest {
  private static final RepositoryName REPO = RepositoryName.parse("os-images/ubuntu");
  private static final GcOptions GRACE_ZERO = new GcOptions(Duration.ZERO, false, false);
  private static final GcOptions GRACE_ZERO_UNTAGGED = new GcOptions(Duration.ZERO, true, false);

  @TempDir Path root;

  private PausingStorage storage;
  private OciRegistry registry;

  @BeforeEach
  void open() throws IOException {
    storage = new PausingStorage(new FileSystemStorage(root));
    registry = OciRegistry.open(storage, RegistryOptions.defaults());
  }

  @AfterEach
  void close() throws IOException {
    registry.close();
  }

  @Test
  void indexPushedDuringARunKeepsTheLayersOfItsOldUntaggedChild() throws Exception {
    Manifest child = pushByDigest(Artifacts.image("child"));
    TestContent.makeEverythingOld(root);
    Manifest index = Artifacts.index().manifest(child).build();

    Pause listed = storage.pauseAt(Op.STAT, When.AFTER, manifestLink(child));
    Background<GcReport> gc = Background.start(() -> collect(GRACE_ZERO_UNTAGGED));
    listed.awaitReached();
    putManifest(index, Reference.of(Tag.parse("multi")));
    listed.release();
    gc.get();

    assertWhole(index);
    assertWhole(child);
  }

  @Test
  void untaggedManifestPinnedDuringARunKeepsItsLinkAndBlobs() throws Exception {
    Manifest image = pushByDigest(Artifacts.image("pinned"));
    TestContent.makeEverythingOld(root);

    Pause listed = storage.pauseAt(Op.STAT, When.AFTER, manifestLink(image));
    Background<GcReport> gc = Background.start(() -> collect(GRACE_ZERO_UNTAGGED));
    listed.awaitReached();
    registry.pins().pin("job-1", REPO, digest(image));
    listed.release();
    GcReport report = gc.get();

    assertThat(report.manifestsDeleted()).isZero();
    assertWhole(image);
  }

  @Test
  void blobPinnedDuringARunIsNotSwept() throws Exception {
    Blob blob = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(64, 1));
    TestContent.pushBlob(registry, REPO, blob);
    TestContent.makeEverythingOld(root);

    Pause sweeping = storage.pauseAt(Op.LIST, When.AFTER, LayoutKeys.blobDirectory("sha256"));
    Background<GcReport> gc = Background.start(() -> collect(GRACE_ZERO));
    sweeping.awaitReached();
    registry.pins().pin("job-1", REPO, Digest.parse(blob.digest()));
    sweeping.release();
    GcReport report = gc.get();

    assertThat(report.blobsDeleted()).isZero();
    assertThat(read(Digest.parse(blob.digest()))).isEqualTo(blob.content());
  }

  @Test
  void pinRacingADeleteEitherPinsWhatStaysOrFailsAndPinsNothing() throws Exception {
    Manifest image = pushByDigest(Artifacts.image("raced"));

    Pause checkedPins = storage.pauseAt(Op.LIST, When.AFTER, LayoutKeys.PINS);
    Background<Void> delete =
        Background.start(
            () -> {
              registry.manifests().delete(REPO, digest(image));
              return null;
            });
    checkedPins.awaitReached();
    Background<Pin> pin = Background.start(() -> registry.pins().pin("job-1", REPO, digest(image)));
    awaitBlockedOrDone(pin);
    checkedPins.release();
    delete.get();

    assertThat(registry.manifests().document(REPO, digest(image))).isEmpty();
    assertThatThrownBy(pin::get)
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN));
    assertThat(registry.pins().list()).isEmpty();
  }

  @Test
  void aPinWhoseContentIsPartlyGoneFailsAndPutsBackWhatItsIdHeld() throws Exception {
    Manifest kept = pushByDigest(Artifacts.image("kept"));
    Manifest child = pushByDigest(Artifacts.image("child"));
    Manifest index = Artifacts.index().manifest(child).build();
    putManifest(index, Reference.of(Tag.parse("multi")));
    registry.pins().pin("job-1", REPO, digest(kept));
    registry.pins().pin("job-2", REPO, digest(kept));
    // What a delete that won the race leaves: the child's link is gone, the index still names it.
    Files.delete(root.resolve(manifestLink(child)));

    for (String id : List.of("job-1", "job-2", "job-3")) {
      assertThatThrownBy(() -> registry.pins().pin(id, REPO, digest(index)))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN);
                assertThat(e.getMessage()).contains(child.digest());
              });
    }
    assertThat(registry.pins().list())
        .extracting(Pin::id, Pin::digest)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("job-1", digest(kept)),
            org.assertj.core.groups.Tuple.tuple("job-2", digest(kept)));
  }

  @Test
  void childrenOfAPinnedIndexAndTheirLayersCannotBeDeleted() throws Exception {
    Manifest child = pushByDigest(Artifacts.image("child"));
    Manifest index = Artifacts.index().manifest(child).build();
    putManifest(index, Reference.of(Tag.parse("multi")));
    registry.pins().pin("job-1", REPO, digest(index));

    assertDenied(() -> registry.manifests().delete(REPO, digest(child)));
    for (Blob blob : child.blobs()) {
      assertDenied(() -> registry.blobs().delete(REPO, Digest.parse(blob.digest())));
    }
    registry.manifests().deleteTag(REPO, Tag.parse("multi"));
    TestContent.makeEverythingOld(root);
    collect(GRACE_ZERO_UNTAGGED);

    assertWhole(index);
    assertWhole(child);
  }

  @Test
  void pushWhoseClaimsPrecedeTheRunKeepsItsBlobsWithAGraceOfZero() throws Exception {
    Manifest image = Artifacts.image("late");
    TestContent.pushBlobs(registry, REPO, image);
    TestContent.makeEverythingOld(root);

    Pause beforeLink = storage.pauseAt(Op.WRITE, When.BEFORE, manifestLink(image));
    Background<Void> push =
        Background.start(
            () -> {
              putManifest(image, Reference.of(Tag.parse("late")));
              return null;
            });
    beforeLink.awaitReached();
    Background<GcReport> gc = Background.start(() -> collect(GRACE_ZERO));
    awaitBlockedOrDone(gc);
    beforeLink.release();
    push.get();
    gc.get();

    assertWhole(image);
  }

  @Test
  void uploadCompletedByAnEmptyPutIsAsYoungAsItsPublish() throws Exception {
    byte[] content = Artifacts.content(1000, 7);
    String id = registry.uploads().start(REPO).id();
    registry.uploads().append(REPO, id, 0, content.length, new ByteArrayInputStream(content));
    Files.setLastModifiedTime(
        root.resolve(LayoutKeys.uploadData(id)), FileTime.from(Instant.now().minusSeconds(3600)));

    Digest digest = Digest.sha256(content);
    registry.uploads().complete(REPO, id, digest, -1, -1, null);
    collect(new GcOptions(Duration.ofMinutes(10), false, false));

    assertThat(read(digest)).isEqualTo(content);
  }

  @Test
  void tagWrittenByAPushRacingADeleteNeverNamesAnUnlinkedManifest() throws Exception {
    Manifest image = pushByDigest(Artifacts.image("tagged"));
    Tag tag = Tag.parse("22.04");

    Pause beforeTag = storage.pauseAt(Op.WRITE, When.BEFORE, LayoutKeys.tag(REPO, tag));
    Background<Void> push =
        Background.start(
            () -> {
              putManifest(image, Reference.of(tag));
              return null;
            });
    beforeTag.awaitReached();
    Background<Void> delete =
        Background.start(
            () -> {
              registry.manifests().delete(REPO, digest(image));
              return null;
            });
    awaitBlockedOrDone(delete);
    beforeTag.release();
    push.get();
    delete.get();

    assertThat(registry.tags().resolve(REPO, tag)).isEmpty();
    assertThat(registry.manifests().get(REPO, Reference.of(digest(image)))).isEmpty();
  }

  @Test
  void blobDeleteWaitsUntilAPushThatClaimedTheBlobHasWrittenItsLink() throws Exception {
    Manifest image = Artifacts.image("claimed");
    TestContent.pushBlobs(registry, REPO, image);
    Blob layer = image.blobs().get(1);

    Pause beforeLink = storage.pauseAt(Op.WRITE, When.BEFORE, manifestLink(image));
    Background<Void> push =
        Background.start(
            () -> {
              putManifest(image, Reference.of(Tag.parse("claimed")));
              return null;
            });
    beforeLink.awaitReached();
    Background<Void> delete =
        Background.start(
            () -> {
              registry.blobs().delete(REPO, Digest.parse(layer.digest()));
              return null;
            });
    awaitBlockedOrDone(delete);
    beforeLink.release();
    push.get();
    delete.get();

    List<String> changes = storage.changes();
    assertThat(changes.indexOf("WRITE " + manifestLink(image)))
        .isNotNegative()
        .isLessThan(changes.indexOf("DELETE " + blobLink(layer)));
  }

  @Test
  void openRemovesLinksToBlobsThatAreGoneAndReportsIt() throws Exception {
    Blob kept = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(10, 1));
    Blob swept = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(10, 2));
    TestContent.pushBlob(registry, REPO, kept);
    TestContent.pushBlob(registry, REPO, swept);
    registry.close();
    // What a crash between the sweep and the link clean-up leaves: the blob is gone, its link
    // not, and the sweep's mark.
    Files.delete(root.resolve(LayoutKeys.blob(Digest.parse(swept.digest()))));
    Files.writeString(root.resolve(LayoutKeys.SWEEP_MARKER), "");

    registry = OciRegistry.open(new FileSystemStorage(root), RegistryOptions.defaults());

    assertThat(root.resolve(blobLink(swept))).doesNotExist();
    assertThat(root.resolve(blobLink(kept))).exists();
    assertThat(root.resolve(LayoutKeys.SWEEP_MARKER)).doesNotExist();
    assertThat(registry.recoveryProblems())
        .containsExactly("removed 1 links to blobs that are no longer stored");
    TestContent.pushBlob(registry, RepositoryName.parse("elsewhere/repo"), swept);
    assertThat(registry.blobs().stat(REPO, Digest.parse(swept.digest()))).isEmpty();
  }

  @Test
  void withoutASweepsMarkOpenSkipsThePassOverLinksAndTheNextCollectionRemovesThem()
      throws Exception {
    Blob gone = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(10, 3));
    TestContent.pushBlob(registry, REPO, gone);
    registry.close();
    Files.delete(root.resolve(LayoutKeys.blob(Digest.parse(gone.digest()))));

    registry = OciRegistry.open(new FileSystemStorage(root), RegistryOptions.defaults());

    assertThat(registry.recoveryProblems()).isEmpty();
    assertThat(root.resolve(blobLink(gone))).exists();
    assertThat(registry.blobs().stat(REPO, Digest.parse(gone.digest()))).isEmpty();
    registry.garbageCollector().collect(new GcOptions(Duration.ZERO, false, true));
    assertThat(root.resolve(blobLink(gone))).exists();
    registry.garbageCollector().collect(GcOptions.withGracePeriod(Duration.ZERO));
    assertThat(root.resolve(blobLink(gone))).doesNotExist();
    assertThat(root.resolve(LayoutKeys.SWEEP_MARKER)).doesNotExist();
  }

  @Test
  void openReportsAndLeavesOutARefThatIsTooLargeInsteadOfFailing() throws Exception {
    Manifest image = Artifacts.image("good");
    TestContent.pushBlobs(registry, REPO, image);
    putManifest(image, Reference.of(Tag.parse("good")));
    registry.close();
    Path bad = root.resolve(LayoutKeys.tag(REPO, Tag.parse("bad")));
    Files.write(bad, new byte[4096]);

    registry = OciRegistry.open(new FileSystemStorage(root), RegistryOptions.defaults());

    assertThat(registry.recoveryProblems())
        .singleElement()
        .asString()
        .startsWith("tag " + REPO + ":bad is unreadable");
    assertThat(registry.tags().resolve(REPO, Tag.parse("good"))).contains(digest(image));
    assertThat(Files.readString(root.resolve("index.json")))
        .contains(REPO + ":good")
        .doesNotContain(REPO + ":bad");
  }

  private GcReport collect(GcOptions options) throws IOException {
    return registry.garbageCollector().collect(options);
  }

  /**
   * Waits until {@code other} has finished or waits for a lock (the one the paused thread holds,
   * where the code serializes them), while the paused thread stays paused.
   */
  private static void awaitBlockedOrDone(Background<?> other) {
    Await.until(
        "the second thread to wait for a lock or finish",
        () ->
            other.isDone()
                || LockSupport.getBlocker(other.thread) instanceof AbstractQueuedSynchronizer);
  }

  /** Work on a thread of its own, whose state a test can watch. */
  private static final class Background<T> {
    private final FutureTask<T> task;
    private final Thread thread;

    private Background(Callable<T> work) {
      task = new FutureTask<>(work);
      thread = new Thread(task, "interleaving");
      thread.setDaemon(true);
    }

    static <T> Background<T> start(Callable<T> work) {
      Background<T> background = new Background<>(work);
      background.thread.start();
      return background;
    }

    boolean isDone() {
      return task.isDone();
    }

    /** The result, or what the work threw, as it threw it. */
    T get() throws Exception {
      try {
        return task.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        throw e;
      }
    }
  }

  private Manifest pushByDigest(Manifest image) throws IOException {
    TestContent.pushBlobs(registry, REPO, image);
    putManifest(image, Reference.of(digest(image)));
    return image;
  }

  private void putManifest(Manifest manifest, Reference reference) throws IOException {
    registry.manifests().put(REPO, reference, manifest.content(), manifest.mediaType());
  }

  private static Digest digest(Manifest manifest) {
    return Digest.parse(manifest.digest());
  }

  private static String manifestLink(Manifest manifest) {
    return LayoutKeys.manifestLink(REPO, digest(manifest));
  }

  private static String blobLink(Blob blob) {
    return LayoutKeys.blobLink(REPO, Digest.parse(blob.digest()));
  }

  /** The manifest, its config and layers (or its children's manifests) all readable in REPO. */
  private void assertWhole(Manifest manifest) throws IOException {
    assertThat(registry.manifests().get(REPO, Reference.of(digest(manifest))))
        .as("manifest %s", manifest.digest())
        .hasValueSatisfying(stored -> assertThat(stored.content()).isEqualTo(manifest.content()));
    for (Blob blob : manifest.blobs()) {
      assertThat(read(Digest.parse(blob.digest())))
          .as("blob %s", blob.digest())
          .isEqualTo(blob.content());
    }
  }

  private byte[] read(Digest digest) throws IOException {
    try (InputStream in = Channels.newInputStream(registry.blobs().open(REPO, digest))) {
      return in.readAllBytes();
    }
  }

  private static void assertDenied(ThrowingCallable delete) {
    assertThatThrownBy(delete)
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DENIED));
  }
}
