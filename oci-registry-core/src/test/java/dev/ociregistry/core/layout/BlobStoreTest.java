package dev.ociregistry.core.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.testing.TestContent;
import dev.ociregistry.testkit.Artifacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
  private static final RepositoryName APP = RepositoryName.parse("team/app");
  private static final RepositoryName OTHER = RepositoryName.parse("team/other");
  private static final RepositoryName THIRD = RepositoryName.parse("third");

  @TempDir Path root;

  private OciRegistry registry;
  private BlobStore blobs;

  @BeforeEach
  void open() throws IOException {
    registry = OciRegistry.open(root, RegistryOptions.defaults());
    // The index that opening writes in the background would show in the temporaries' folder.
    registry.recoveryProblems();
    blobs = registry.blobs();
  }

  @AfterEach
  void close() throws IOException {
    registry.close();
  }

  @Test
  void putWithRightDigestStoresExactContentAndLinksRepository() throws IOException {
    byte[] content = Artifacts.content(300_000, 1);
    Digest digest = Digest.sha256(content);

    StoredBlob stored = blobs.put(APP, digest, new ByteArrayInputStream(content), content.length);

    assertThat(stored).isEqualTo(new StoredBlob(digest, content.length));
    assertThat(root.resolve("blobs/sha256/" + digest.hex())).hasBinaryContent(content);
    assertThat(root.resolve(LayoutKeys.blobLink(APP, digest))).isRegularFile();
    assertThat(blobs.stat(APP, digest)).contains(new StoredBlob(digest, content.length));
    assertThat(regularFiles(root.resolve("tmp"))).isEmpty();
  }

  @Test
  void putWithUnknownSizeStoresContent() throws IOException {
    byte[] content = Artifacts.content(1234, 2);
    Digest digest = Digest.sha256(content);

    blobs.put(APP, digest, new ByteArrayInputStream(content), -1);

    assertThat(root.resolve(LayoutKeys.blob(digest))).hasBinaryContent(content);
  }

  @Test
  void putOfEmptyBlobStoresEmptyFile() throws IOException {
    Digest digest = Digest.sha256(new byte[0]);

    blobs.put(APP, digest, new ByteArrayInputStream(new byte[0]), 0);

    assertThat(root.resolve(LayoutKeys.blob(digest))).isEmptyFile();
    assertThat(blobs.stat(APP, digest)).contains(new StoredBlob(digest, 0));
  }

  @Test
  void putWithWrongDigestFailsAndStoresNothing() throws IOException {
    byte[] content = Artifacts.content(10_000, 3);
    Digest wrong = Digest.sha256(Artifacts.utf8("something else"));

    assertRegistryError(
        () -> blobs.put(APP, wrong, new ByteArrayInputStream(content), content.length),
        ErrorCode.DIGEST_INVALID);

    assertThat(regularFiles(root.resolve("blobs"))).isEmpty();
    assertThat(regularFiles(root.resolve("tmp"))).isEmpty();
    assertThat(regularFiles(root.resolve("repositories"))).isEmpty();
    assertThat(blobs.stat(APP, wrong)).isEmpty();
  }

  @Test
  void putWithDeclaredSizeLargerThanContentFailsWithSizeInvalid() throws IOException {
    byte[] content = Artifacts.content(1000, 4);
    Digest digest = Digest.sha256(content);

    assertRegistryError(
        () -> blobs.put(APP, digest, new ByteArrayInputStream(content), 1001),
        ErrorCode.SIZE_INVALID);

    assertNothingStored(digest);
  }

  @Test
  void putWithDeclaredSizeSmallerThanContentFailsWithSizeInvalid() throws IOException {
    byte[] content = Artifacts.content(1000, 5);
    Digest digest = Digest.sha256(content);

    assertRegistryError(
        () -> blobs.put(APP, digest, new ByteArrayInputStream(content), 999),
        ErrorCode.SIZE_INVALID);

    assertNothingStored(digest);
  }

  @Test
  void sameBlobInTwoRepositoriesIsStoredOnceAndVisibleInBoth() throws IOException {
    byte[] content = Artifacts.content(5000, 6);
    Digest digest = Digest.sha256(content);

    TestContent.pushBlob(registry, APP, content);
    TestContent.pushBlob(registry, OTHER, content);

    assertThat(regularFiles(root.resolve("blobs")))
        .containsExactly(root.resolve("blobs/sha256/" + digest.hex()));
    assertThat(blobs.stat(APP, digest)).contains(new StoredBlob(digest, 5000));
    assertThat(blobs.stat(OTHER, digest)).contains(new StoredBlob(digest, 5000));
    assertThat(regularFiles(root.resolve("tmp"))).isEmpty();
  }

  @Test
  void blobIsNotVisibleInRepositoryItWasNeverPushedTo() throws IOException {
    byte[] content = Artifacts.content(2000, 7);
    Digest digest = Digest.sha256(content);
    TestContent.pushBlob(registry, APP, content);

    assertThat(blobs.stat(OTHER, digest)).isEmpty();
    assertThat(blobs.statAndRefresh(OTHER, digest)).isEmpty();
    assertRegistryError(() -> blobs.open(OTHER, digest), ErrorCode.BLOB_UNKNOWN);
  }

  @Test
  void openOfUnknownBlobFailsWithBlobUnknown() {
    Digest digest = Digest.sha256(Artifacts.utf8("never stored"));

    assertRegistryError(() -> blobs.open(APP, digest), ErrorCode.BLOB_UNKNOWN);
  }

  @Test
  void openReturnsChannelThatReadsAnyRange() throws IOException {
    byte[] content = Artifacts.content(1_000_000, 8);
    Digest digest = Digest.sha256(content);
    TestContent.pushBlob(registry, APP, content);

    try (SeekableByteChannel channel = blobs.open(APP, digest)) {
      assertThat(channel.size()).isEqualTo(content.length);
      channel.position(700_001);
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      while (buffer.hasRemaining()) {
        assertThat(channel.read(buffer)).isPositive();
      }
      assertThat(buffer.array()).isEqualTo(Arrays.copyOfRange(content, 700_001, 704_097));

      channel.position(content.length - 10);
      ByteBuffer tail = ByteBuffer.allocate(100);
      int read = channel.read(tail);
      assertThat(read).isEqualTo(10);
      assertThat(Arrays.copyOf(tail.array(), read))
          .isEqualTo(Arrays.copyOfRange(content, content.length - 10, content.length));
      assertThat(channel.read(tail)).isEqualTo(-1);
    }
  }

  @Test
  void mountFromRepositoryWhereBlobIsVisibleLinksIt() throws IOException {
    byte[] content = Artifacts.content(3000, 9);
    Digest digest = Digest.sha256(content);
    TestContent.pushBlob(registry, APP, content);

    Optional<StoredBlob> mounted = blobs.mount(OTHER, digest, Optional.of(APP));

    assertThat(mounted).contains(new StoredBlob(digest, 3000));
    assertThat(blobs.stat(OTHER, digest)).contains(new StoredBlob(digest, 3000));
    assertThat(regularFiles(root.resolve("blobs"))).hasSize(1);
  }

  @Test
  void mountFromRepositoryWhereBlobIsNotVisibleDoesNothing() throws IOException {
    byte[] content = Artifacts.content(3000, 10);
    Digest digest = Digest.sha256(content);
    TestContent.pushBlob(registry, APP, content);

    Optional<StoredBlob> mounted = blobs.mount(OTHER, digest, Optional.of(THIRD));

    assertThat(mounted).isEmpty();
    assertThat(blobs.stat(OTHER, digest)).isEmpty();
    assertThat(root.resolve(LayoutKeys.blobLink(OTHER, digest))).doesNotExist();
  }

  @Test
  void mountWithoutSourceLinksBlobStoredAnywhere() throws IOException {
    byte[] content = Artifacts.content(3000, 11);
    Digest digest = Digest.sha256(content);
    TestContent.pushBlob(registry, APP, content);

    Optional<StoredBlob> mounted = blobs.mount(OTHER, digest, Optional.empty());

    assertThat(mounted).contains(new StoredBlob(digest, 3000));
    assertThat(blobs.stat(OTHER, digest)).isPresent();
  }

  @Test
  void mountWithoutSourceOfBlobStoredNowhereIsEmpty() throws IOException {
    Digest digest = Digest.sha256(Artifacts.utf8("nowhere"));

    assertThat(blobs.mount(OTHER, digest, Optional.empty())).isEmpty();
    assertThat(blobs.stat(OTHER, digest)).isEmpty();
    assertThat(root.resolve(LayoutKeys.blobLink(OTHER, digest))).doesNotExist();
  }

  @Test
  void deleteHidesBlobInOneRepositoryButNotInAnother() throws IOException {
    byte[] content = Artifacts.content(4000, 12);
    Digest digest = Digest.sha256(content);
    TestContent.pushBlob(registry, APP, content);
    TestContent.pushBlob(registry, OTHER, content);

    blobs.delete(APP, digest);

    assertThat(blobs.stat(APP, digest)).isEmpty();
    assertRegistryError(() -> blobs.open(APP, digest), ErrorCode.BLOB_UNKNOWN);
    assertThat(blobs.stat(OTHER, digest)).contains(new StoredBlob(digest, 4000));
    try (SeekableByteChannel channel = blobs.open(OTHER, digest)) {
      assertThat(channel.size()).isEqualTo(4000);
    }
    assertThat(root.resolve(LayoutKeys.blob(digest))).hasBinaryContent(content);
  }

  @Test
  void deleteOfBlobNotVisibleInRepositoryFailsWithBlobUnknown() throws IOException {
    byte[] content = Artifacts.content(100, 13);
    Digest digest = Digest.sha256(content);
    TestContent.pushBlob(registry, APP, content);

    assertRegistryError(() -> blobs.delete(OTHER, digest), ErrorCode.BLOB_UNKNOWN);
    blobs.delete(APP, digest);
    assertRegistryError(() -> blobs.delete(APP, digest), ErrorCode.BLOB_UNKNOWN);
  }

  @Test
  void statAndRefreshMovesLastModifiedForwardWhileStatDoesNot() throws IOException {
    byte[] content = Artifacts.content(100, 14);
    Digest digest = Digest.sha256(content);
    TestContent.pushBlob(registry, APP, content);
    Path file = root.resolve(LayoutKeys.blob(digest));
    FileTime past = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
    Files.setLastModifiedTime(file, past);

    assertThat(blobs.stat(APP, digest)).isPresent();
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(past);

    Instant before = Instant.now().minusSeconds(1);
    assertThat(blobs.statAndRefresh(APP, digest)).contains(new StoredBlob(digest, 100));
    assertThat(Files.getLastModifiedTime(file).toInstant()).isAfter(before);
  }

  @Test
  void statAndRefreshInRepositoryWithoutLinkDoesNotRefresh() throws IOException {
    byte[] content = Artifacts.content(100, 15);
    Digest digest = Digest.sha256(content);
    TestContent.pushBlob(registry, APP, content);
    Path file = root.resolve(LayoutKeys.blob(digest));
    FileTime past = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
    Files.setLastModifiedTime(file, past);

    assertThat(blobs.statAndRefresh(OTHER, digest)).isEmpty();
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(past);
  }

  @Test
  void pushingAnAlreadyStoredBlobRefreshesItsAge() throws IOException {
    byte[] content = Artifacts.content(100, 16);
    Digest digest = Digest.sha256(content);
    TestContent.pushBlob(registry, APP, content);
    Path file = root.resolve(LayoutKeys.blob(digest));
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    Instant before = Instant.now().minusSeconds(1);

    TestContent.pushBlob(registry, OTHER, content);

    assertThat(Files.getLastModifiedTime(file).toInstant()).isAfter(before);
    assertThat(file).hasBinaryContent(content);
  }

  private void assertNothingStored(Digest digest) throws IOException {
    assertThat(regularFiles(root.resolve("blobs"))).isEmpty();
    assertThat(regularFiles(root.resolve("tmp"))).isEmpty();
    assertThat(root.resolve(LayoutKeys.blobLink(APP, digest))).doesNotExist();
    assertThat(blobs.stat(APP, digest)).isEmpty();
  }

  private static void assertRegistryError(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private static List<Path> regularFiles(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }
}
