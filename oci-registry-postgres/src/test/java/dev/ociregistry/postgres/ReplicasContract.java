package dev.ociregistry.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.gc.GcListener;
import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.core.layout.StorageStatistics;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.testkit.Artifacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three registry replicas sharing one PostgreSQL database and one blob content store, each request
 * of a scenario going to another replica. Each subclass names the content store.
 */
abstract class ReplicasContract {
  private static final RepositoryName REPO = RepositoryName.parse("os-images/rootfs");

  @RegisterExtension static final PostgresServerExtension server = new PostgresServerExtension();

  private final List<PostgresStore> stores = new ArrayList<>();
  private final List<OciRegistry> replicas = new ArrayList<>();

  @BeforeEach
  void openReplicas() throws Exception {
    String url = server.newDatabase();
    for (int i = 0; i < 3; i++) {
      PostgresStore store = PostgresStore.open(url, PostgresServer.USER, "", 8);
      stores.add(store);
      replicas.add(
          OciRegistry.open(
              store.metadata(), content(), store.coordination(), RegistryOptions.defaults()));
    }
  }

  @AfterEach
  void closeReplicas() throws IOException {
    for (OciRegistry replica : replicas) {
      replica.close();
    }
    stores.forEach(PostgresStore::close);
  }

  /** The shared content store, as one replica opens it; called once per replica. */
  protected abstract BlobContent content() throws Exception;

  private OciRegistry replica(int i) {
    return replicas.get(i % replicas.size());
  }

  @Test
  void anImagePushedThroughTwoReplicasIsPulledFromTheThird() throws IOException {
    Artifacts.Manifest image = image("one");
    pushBlobs(replica(0), image);
    replica(1)
        .manifests()
        .put(REPO, Reference.of(Tag.parse("v1")), image.content(), image.mediaType());

    assertThat(replica(2).manifests().get(REPO, Reference.of(Tag.parse("v1"))))
        .get()
        .extracting(manifest -> manifest.digest().toString())
        .isEqualTo(image.digest());
    assertThat(replica(2).tags().list(REPO)).containsExactly(Tag.parse("v1"));
    assertThat(replica(2).catalog().list()).containsExactly(REPO);
    for (Artifacts.Blob blob : image.blobs()) {
      assertThat(replica(2).blobs().stat(REPO, Digest.parse(blob.digest()))).isPresent();
    }
  }

  @Test
  void everyReplicasStorageFiguresIncludeWhatAnotherJustPushed() throws IOException {
    Artifacts.Manifest image = image("counted");
    pushBlobs(replica(0), image);
    replica(1)
        .manifests()
        .put(REPO, Reference.of(Tag.parse("v1")), image.content(), image.mediaType());
    long bytes = image.content().length;
    for (Artifacts.Blob blob : image.blobs()) {
      bytes += blob.content().length;
    }

    for (int i = 0; i < 3; i++) {
      StorageStatistics.Totals totals = replica(i).statistics().totals();
      assertThat(totals.blobs()).as("blobs on replica %d", i).isEqualTo(image.blobs().size() + 1);
      assertThat(totals.blobBytes()).isEqualTo(bytes);
      assertThat(totals.manifests()).isEqualTo(1);
      assertThat(replica(i).statistics().usage().repositories())
          .singleElement()
          .extracting(StorageStatistics.RepositoryUsage::exclusiveBytes)
          .isEqualTo(bytes);
    }
  }

  @Test
  void anUploadMovesBetweenReplicasChunkByChunk() throws IOException {
    byte[] content = Artifacts.content(3_000_000, 11);
    String id = replica(0).uploads().start(REPO).id();
    int chunk = 1_000_000;
    for (int i = 0; i < 3; i++) {
      byte[] part = Arrays.copyOfRange(content, i * chunk, (i + 1) * chunk);
      assertThat(replica(i).uploads().status(REPO, id).offset()).isEqualTo((long) i * chunk);
      replica(i)
          .uploads()
          .append(REPO, id, (long) i * chunk, chunk, new ByteArrayInputStream(part));
    }
    replica(1).uploads().complete(REPO, id, Digest.sha256(content), -1, -1, null);

    assertThat(replica(2).blobs().stat(REPO, Digest.sha256(content)))
        .get()
        .extracting(blob -> blob.size())
        .isEqualTo((long) content.length);
    assertThat(replica(0).uploads().ids()).isEmpty();
  }

  @Test
  void anUploadFinishedOnAnotherReplicaFreesItsPlaceWhereItWasOpened() throws IOException {
    String keptOpen = replica(1).uploads().start(REPO).id();
    byte[] content = Artifacts.content(1000, 12);
    String moved = replica(0).uploads().start(REPO).id();
    replica(1).uploads().append(REPO, moved, 0, content.length, new ByteArrayInputStream(content));
    replica(1).uploads().complete(REPO, moved, Digest.sha256(content), -1, -1, null);

    assertThat(replica(1).uploads().openCount())
        .as("the replica that finished it never counted it")
        .isEqualTo(1);
    assertThat(replica(0).uploads().openCount()).isEqualTo(1);
    replica(0).uploads().expireStale();
    assertThat(replica(0).uploads().openCount()).isZero();
    assertThat(replica(0).uploads().openBytes()).isZero();
    replica(1).uploads().expireStale();
    assertThat(replica(1).uploads().openCount()).isEqualTo(1);
    assertThat(replica(1).uploads().status(REPO, keptOpen).offset()).isZero();
  }

  @Test
  void whileOneReplicaStreamsIntoAnUploadAnotherIsToldToRetry() throws Exception {
    byte[] content = Artifacts.content(200_000, 5);
    String id = replica(0).uploads().start(REPO).id();
    CountDownLatch streaming = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    InputStream slow =
        new InputStream() {
          private int position;

          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position == content.length / 2) {
              streaming.countDown();
              try {
                finish.await();
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
            }
            if (position == content.length) {
              return -1;
            }
            int end = position < content.length / 2 ? content.length / 2 : content.length;
            int n = Math.min(length, end - position);
            System.arraycopy(content, position, buffer, offset, n);
            position += n;
            return n;
          }
        };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> first =
          pool.submit(() -> replica(0).uploads().append(REPO, id, 0, content.length, slow));
      streaming.await();

      assertThatThrownBy(
              () ->
                  replica(1)
                      .uploads()
                      .append(REPO, id, 0, 3, new ByteArrayInputStream(new byte[] {1, 2, 3})))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOMANYREQUESTS));
      finish.countDown();
      first.get();
    } finally {
      pool.shutdownNow();
    }
    replica(2).uploads().complete(REPO, id, Digest.sha256(content), -1, -1, null);
    assertThat(replica(1).blobs().stat(REPO, Digest.sha256(content))).isPresent();
  }

  @Test
  void collectionsOnTwoReplicasRunOneAfterTheOther() throws Exception {
    for (int i = 0; i < 6; i++) {
      pushBlobs(replica(0), image("collected " + i));
    }
    List<Instant[]> runs = new CopyOnWriteArrayList<>();
    for (int i = 1; i <= 2; i++) {
      replica(i)
          .garbageCollector()
          .addListener(
              new GcListener() {
                @Override
                public void completed(GcReport report) {
                  Instant end = Instant.now();
                  runs.add(new Instant[] {end.minus(report.duration()), end});
                }
              });
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<GcReport>> collections = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        OciRegistry collector = replica(i);
        collections.add(
            pool.submit(
                () ->
                    collector
                        .garbageCollector()
                        .collect(new GcOptions(Duration.ZERO, true, false))));
      }
      long deleted = 0;
      for (Future<GcReport> collection : collections) {
        deleted += collection.get().blobsDeleted();
      }
      assertThat(deleted).isEqualTo(12);
    } finally {
      pool.shutdownNow();
    }
    assertThat(runs).hasSize(2);
    Instant[] first = runs.get(0)[0].isBefore(runs.get(1)[0]) ? runs.get(0) : runs.get(1);
    Instant[] second = first == runs.get(0) ? runs.get(1) : runs.get(0);
    assertThat(second[0]).isAfterOrEqualTo(first[1].minusMillis(5));
  }

  @Test
  void aPinMadeOnOneReplicaHoldsAgainstACollectionOnAnother() throws IOException {
    Artifacts.Manifest image = image("pinned");
    pushBlobs(replica(0), image);
    Digest digest =
        replica(0)
            .manifests()
            .put(REPO, Reference.of(Tag.parse("job")), image.content(), image.mediaType())
            .digest();
    replica(0).pins().pin("job-1", REPO, digest);
    replica(1).manifests().deleteTag(REPO, Tag.parse("job"));

    GcOptions everythingOld = new GcOptions(Duration.ZERO, true, false);
    replica(2).garbageCollector().collect(everythingOld);
    assertThat(replica(1).manifests().get(REPO, Reference.of(digest))).isPresent();
    for (Artifacts.Blob blob : image.blobs()) {
      assertThat(replica(1).blobs().stat(REPO, Digest.parse(blob.digest()))).isPresent();
    }

    replica(1).pins().unpin("job-1");
    replica(2).garbageCollector().collect(everythingOld);
    assertThat(replica(0).manifests().get(REPO, Reference.of(digest))).isEmpty();
    for (Artifacts.Blob blob : image.blobs()) {
      assertThat(replica(0).blobs().stat(REPO, Digest.parse(blob.digest()))).isEmpty();
    }
  }

  /**
   * The race online collection must win: a client checks that a blob exists (HEAD, on one replica),
   * a collection runs (on a second), the client pushes a manifest that references the blob (on a
   * third). Whatever the interleaving, a blob the HEAD found is never lost.
   */
  @Test
  void headOnOneReplicaThenPushOnAnotherNeverLosesABlobToACollectionOnAThird() throws Exception {
    Duration grace = Duration.ofSeconds(2);
    int images = 24;
    List<Artifacts.Manifest> pushed = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      Artifacts.Manifest image = image("race " + i);
      pushBlobs(replica(0), image);
      pushed.add(image);
    }
    Thread.sleep(grace.plusMillis(500).toMillis());

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?> collection =
          pool.submit(
              () -> {
                for (int run = 0; run < 3; run++) {
                  replica(1).garbageCollector().collect(new GcOptions(grace, true, false));
                }
                return null;
              });
      List<Future<Boolean>> clients = new ArrayList<>();
      for (Artifacts.Manifest image : pushed) {
        clients.add(pool.submit(() -> headThenPush(image)));
      }
      collection.get();
      int kept = 0;
      for (int i = 0; i < images; i++) {
        if (clients.get(i).get()) {
          kept++;
          for (Artifacts.Blob blob : pushed.get(i).blobs()) {
            Digest digest = Digest.parse(blob.digest());
            assertThat(replica(1).blobs().stat(REPO, digest))
                .as("blob %s of an image whose HEAD found it", digest)
                .isPresent();
          }
        }
      }
      replica(1).garbageCollector().collect(new GcOptions(grace, true, false));
      for (int i = 0; i < images; i++) {
        if (clients.get(i).get()) {
          assertThat(
                  replica(0)
                      .manifests()
                      .get(REPO, Reference.of(Digest.parse(pushed.get(i).digest()))))
              .isPresent();
        }
      }
      assertThat(kept).isPositive();
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * HEADs every blob on replica 2, then pushes the manifest on replica 0: whether it was pushed.
   */
  private boolean headThenPush(Artifacts.Manifest image) throws IOException {
    for (Artifacts.Blob blob : image.blobs()) {
      if (replica(2).blobs().statAndRefresh(REPO, Digest.parse(blob.digest())).isEmpty()) {
        return false;
      }
    }
    try {
      replica(0)
          .manifests()
          .put(
              REPO,
              Reference.of(Tag.parse("t" + Math.abs(image.digest().hashCode()))),
              image.content(),
              image.mediaType());
      return true;
    } catch (RegistryException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_BLOB_UNKNOWN);
      throw new AssertionError(
          "a manifest whose blobs a HEAD found was refused: " + e.getMessage());
    }
  }

  private static Artifacts.Manifest image(String seed) {
    return Artifacts.image()
        .config(Artifacts.config(seed))
        .layer(Artifacts.blob(Artifacts.OCI_LAYER_GZIP, Artifacts.content(40_000, seed.hashCode())))
        .build();
  }

  /** Puts the image's blobs into {@code os-images/rootfs} through {@code registry}. */
  static void pushBlobs(OciRegistry registry, Artifacts.Manifest image) throws IOException {
    for (Artifacts.Blob blob : image.blobs()) {
      registry
          .blobs()
          .put(
              REPO,
              Digest.parse(blob.digest()),
              new ByteArrayInputStream(blob.content()),
              blob.content().length);
    }
  }
}
