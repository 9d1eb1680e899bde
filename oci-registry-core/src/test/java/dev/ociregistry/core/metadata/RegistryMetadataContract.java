package dev.ociregistry.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RegistryMetadata} must do; each implementation's test extends this class. The
 * store is fresh for each test; {@link #anotherProcess()} is a second instance on it, standing for
 * another replica.
 */
public abstract class RegistryMetadataContract {
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final RepositoryName REPO = RepositoryName.parse("os-images/ubuntu");
  private static final Tag LATEST = Tag.parse("latest");

  /** For the implementations' tests. */
  protected RegistryMetadataContract() {}

  /** The store under test; called once per test. */
  protected abstract RegistryMetadata metadata() throws IOException;

  /** A second instance on the store of {@link #metadata()}, as another replica would open it. */
  protected abstract RegistryMetadata anotherProcess() throws IOException;

  /**
   * Makes blob content exist where the implementation's records need it (on the filesystem the
   * content file is the record) and returns its location.
   */
  protected abstract String storeContent(Digest digest, byte[] bytes) throws IOException;

  /** Deletes what {@link #storeContent} made, as the collector does after forgetting a blob. */
  protected abstract void deleteContent(String location) throws IOException;

  @Test
  void aTagNamesTheManifestItWasSetToAndIsSeenByAnotherProcess() throws IOException {
    RegistryMetadata metadata = metadata();
    Digest manifest = digest("one");
    Instant before = Instant.now().minusSeconds(1);
    assertThat(metadata.setTag(REPO, LATEST, descriptor(manifest), true)).isEmpty();
    assertThat(metadata.tag(REPO, LATEST)).contains(manifest);
    assertThat(anotherProcess().tag(REPO, LATEST)).contains(manifest);
    assertThat(metadata.tagChanged(REPO, LATEST)).get().matches(time -> time.isAfter(before));
    assertThat(metadata.tags(REPO)).containsExactly(LATEST);
    assertThat(metadata.tag(REPO, Tag.parse("other"))).isEmpty();
    assertThat(metadata.tagChanged(REPO, Tag.parse("other"))).isEmpty();
  }

  @Test
  void aTagThatMovesRefreshesTheManifestItLeaves() throws IOException {
    RegistryMetadata metadata = metadata();
    Digest first = digest("first");
    Digest second = digest("second");
    metadata.linkManifest(REPO, first, OCI_MANIFEST);
    metadata.setTag(REPO, LATEST, descriptor(first), true);
    Instant linked = metadata.manifestLink(REPO, first).orElseThrow().lastReferenced();
    pause();
    assertThat(metadata.setTag(REPO, LATEST, descriptor(second), true)).contains(first);
    assertThat(metadata.tag(REPO, LATEST)).contains(second);
    assertThat(metadata.manifestLink(REPO, first).orElseThrow().lastReferenced()).isAfter(linked);
  }

  @Test
  void aTagThatMayNotMoveStaysWhereItIs() throws IOException {
    RegistryMetadata metadata = metadata();
    Digest first = digest("first");
    metadata.setTag(REPO, LATEST, descriptor(first), true);
    assertThatThrownBy(() -> metadata.setTag(REPO, LATEST, descriptor(digest("second")), false))
        .isInstanceOf(MetadataConflictException.class);
    assertThat(metadata.tag(REPO, LATEST)).contains(first);
    assertThat(metadata.setTag(REPO, LATEST, descriptor(first), false)).contains(first);
  }

  @Test
  void aTagIsDeletedOnlyWhileItNamesTheDigestGiven() throws IOException {
    RegistryMetadata metadata = metadata();
    Digest first = digest("first");
    metadata.linkManifest(REPO, first, OCI_MANIFEST);
    metadata.setTag(REPO, LATEST, descriptor(first), true);
    Instant linked = metadata.manifestLink(REPO, first).orElseThrow().lastReferenced();
    assertThat(metadata.deleteTag(REPO, LATEST, Optional.of(digest("second")))).isFalse();
    assertThat(metadata.tag(REPO, LATEST)).contains(first);
    pause();
    assertThat(metadata.deleteTag(REPO, LATEST, Optional.of(first))).isTrue();
    assertThat(metadata.tag(REPO, LATEST)).isEmpty();
    assertThat(metadata.manifestLink(REPO, first).orElseThrow().lastReferenced()).isAfter(linked);
    assertThat(metadata.deleteTag(REPO, LATEST, Optional.empty())).isFalse();
    metadata.setTag(REPO, LATEST, descriptor(first), true);
    assertThat(metadata.deleteTag(REPO, LATEST, Optional.empty())).isTrue();
    assertThat(metadata.tags(REPO)).isEmpty();
  }

  @Test
  void manifestLinksRecordTheirMediaTypeAndAge() throws IOException {
    RegistryMetadata metadata = metadata();
    Digest manifest = digest("manifest");
    assertThat(metadata.manifestLink(REPO, manifest)).isEmpty();
    assertThat(metadata.refreshManifestLink(REPO, manifest)).isFalse();
    assertThat(metadata.linkManifest(REPO, manifest, OCI_MANIFEST)).isTrue();
    assertThat(metadata.linkManifest(REPO, manifest, OCI_MANIFEST)).isFalse();
    ManifestLink link = anotherProcess().manifestLink(REPO, manifest).orElseThrow();
    assertThat(link.digest()).isEqualTo(manifest);
    assertThat(link.mediaType()).isEqualTo(OCI_MANIFEST);
    pause();
    assertThat(metadata.refreshManifestLink(REPO, manifest)).isTrue();
    assertThat(metadata.manifestLink(REPO, manifest).orElseThrow().lastReferenced())
        .isAfter(link.lastReferenced());
    assertThat(metadata.manifestLinks(REPO)).containsExactly(manifest);
    assertThat(metadata.unlinkManifest(REPO, manifest)).isTrue();
    assertThat(metadata.unlinkManifest(REPO, manifest)).isFalse();
    assertThat(metadata.manifestLinks(REPO)).isEmpty();
  }

  @Test
  void referrersAreListedPerSubject() throws IOException {
    RegistryMetadata metadata = metadata();
    Digest subject = digest("subject");
    Digest signature = digest("signature");
    Digest sbom = digest("sbom");
    metadata.linkReferrer(REPO, subject, signature);
    metadata.linkReferrer(REPO, subject, sbom);
    metadata.linkReferrer(REPO, digest("other"), sbom);
    assertThat(anotherProcess().referrers(REPO, subject))
        .containsExactlyInAnyOrder(signature, sbom);
    metadata.unlinkReferrer(REPO, subject, signature);
    assertThat(metadata.referrers(REPO, subject)).containsExactly(sbom);
    assertThat(metadata.referrers(RepositoryName.parse("elsewhere"), subject)).isEmpty();
  }

  @Test
  void blobLinksMakeABlobVisibleInOneRepositoryOnly() throws IOException {
    RegistryMetadata metadata = metadata();
    Digest blob = digest("layer");
    RepositoryName other = RepositoryName.parse("other");
    assertThat(metadata.linkBlob(REPO, blob)).isTrue();
    assertThat(metadata.linkBlob(REPO, blob)).isFalse();
    assertThat(anotherProcess().blobLinked(REPO, blob)).isTrue();
    assertThat(metadata.blobLinked(other, blob)).isFalse();
    assertThat(metadata.blobLinks(REPO)).containsExactly(blob);
    assertThat(metadata.unlinkBlob(REPO, blob)).isTrue();
    assertThat(metadata.unlinkBlob(REPO, blob)).isFalse();
    assertThat(metadata.blobLinked(REPO, blob)).isFalse();
  }

  @Test
  void aBlobRecordHoldsItsSizeLocationAndAge() throws IOException {
    RegistryMetadata metadata = metadata();
    byte[] bytes = "layer content".getBytes(StandardCharsets.UTF_8);
    Digest blob = Digest.sha256(bytes);
    assertThat(metadata.blob(blob)).isEmpty();
    assertThat(metadata.refreshBlob(blob)).isFalse();
    Instant before = Instant.now().minusSeconds(1);
    String location = storeContent(blob, bytes);
    metadata.recordBlob(blob, bytes.length, location);
    BlobRecord record = anotherProcess().blob(blob).orElseThrow();
    assertThat(record.digest()).isEqualTo(blob);
    assertThat(record.size()).isEqualTo(bytes.length);
    assertThat(record.location()).isEqualTo(location);
    assertThat(record.lastReferenced()).isAfter(before);
    assertThat(anotherProcess().recordsLocation(location)).isTrue();
    assertThat(metadata.recordsLocation(location + "0")).isFalse();
    assertThat(metadata.recordsLocation("blobs/sha256/not-a-digest")).isFalse();
    assertThat(metadata.recordsLocation("quarantine/sha256/" + blob.hex())).isFalse();
    assertThat(metadata.recordsLocation("blobs")).isFalse();
    assertThat(metadata.recordsLocation("blobs/sha256/" + Digest.sha256(new byte[0]).hex()))
        .isFalse();
    pause();
    assertThat(metadata.refreshBlob(blob)).isTrue();
    assertThat(metadata.blob(blob).orElseThrow().lastReferenced()).isAfter(record.lastReferenced());
    try (Stream<Digest> blobs = metadata.blobs()) {
      assertThat(blobs).containsExactly(blob);
    }
    metadata.forgetBlob(blob);
    deleteContent(location);
    assertThat(metadata.blob(blob)).isEmpty();
    assertThat(metadata.recordsLocation(location)).isFalse();
    try (Stream<Digest> blobs = metadata.blobs()) {
      assertThat(blobs).isEmpty();
    }
  }

  @Test
  void repositoriesAreThoseHoldingSomethingNestedNamesIncluded() throws IOException {
    RegistryMetadata metadata = metadata();
    RepositoryName top = RepositoryName.parse("os-images");
    RepositoryName deeper = RepositoryName.parse("os-images/windows/2022");
    metadata.linkBlob(REPO, digest("a"));
    metadata.linkManifest(deeper, digest("b"), OCI_MANIFEST);
    metadata.setTag(RepositoryName.parse("tools"), LATEST, descriptor(digest("c")), true);
    assertThat(anotherProcess().repositories())
        .containsExactly(REPO, deeper, RepositoryName.parse("tools"));
    assertThat(metadata.repositoriesUnder(top)).containsExactly(REPO, deeper);
    assertThat(metadata.repositoryExists(REPO)).isTrue();
    assertThat(metadata.repositoryExists(top)).isFalse();
  }

  @Test
  void pinsAreKeptListedInIdOrderAndDeleted() throws IOException {
    RegistryMetadata metadata = metadata();
    Pin job = new Pin("job-2", REPO, digest("image"));
    Pin other = new Pin("job-1", REPO, digest("other"));
    metadata.putPin(job);
    metadata.putPin(other);
    assertThat(anotherProcess().pin("job-2")).contains(job);
    assertThat(metadata.pins()).containsExactly(other, job);
    Pin moved = new Pin("job-2", REPO, digest("newer"));
    metadata.putPin(moved);
    assertThat(metadata.pin("job-2")).contains(moved);
    assertThat(metadata.deletePin("job-2")).isTrue();
    assertThat(metadata.deletePin("job-2")).isFalse();
    assertThat(metadata.pin("job-2")).isEmpty();
    assertThat(metadata.pins()).containsExactly(other);
  }

  @Test
  void theSweepMarkIsSetUntilCleared() throws IOException {
    RegistryMetadata metadata = metadata();
    assertThat(metadata.sweepMarked()).isFalse();
    metadata.markSweep(true);
    assertThat(anotherProcess().sweepMarked()).isTrue();
    metadata.markSweep(false);
    assertThat(metadata.sweepMarked()).isFalse();
  }

  @Test
  void uploadsAreRecordedWithTheirStateUntilDeleted() throws IOException {
    RegistryMetadata metadata = metadata();
    String id = UUID.randomUUID().toString();
    Instant before = Instant.now().minusSeconds(1);
    metadata.createUpload(id, REPO, new byte[0]);
    UploadRecord record = anotherProcess().upload(id).orElseThrow();
    assertThat(record.id()).isEqualTo(id);
    assertThat(record.repository()).isEqualTo(REPO);
    assertThat(record.state()).isEmpty();
    assertThat(record.lastActivity()).isAfter(before);
    assertThat(metadata.uploads()).containsExactly(id);
    byte[] state = {1, 2, 3, (byte) 0xff};
    metadata.updateUpload(id, state);
    assertThat(anotherProcess().upload(id).orElseThrow().state()).isEqualTo(state);
    metadata.deleteUpload(id);
    assertThat(metadata.upload(id)).isEmpty();
    assertThat(metadata.uploads()).isEmpty();
    assertThat(metadata.upload(UUID.randomUUID().toString())).isEmpty();
  }

  /** A distinct, valid digest per name. */
  protected static Digest digest(String name) {
    return Digest.sha256(name.getBytes(StandardCharsets.UTF_8));
  }

  private static Descriptor descriptor(Digest manifest) {
    return Descriptor.of(OCI_MANIFEST, manifest, 123);
  }

  /** Lets a clock with coarse steps move on, so that a refresh is seen as later. */
  private static void pause() {
    try {
      Thread.sleep(Duration.ofMillis(20).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
