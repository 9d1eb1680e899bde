package dev.ociregistry.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.storage.AppendableObject;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.core.testing.ForwardingAppendable;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Await;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pipelined copy: exact bytes, exact digest, and agreement of both after any failure. */
class HashingCopyTest {
  private static final int B = HashingCopy.BUFFER_SIZE;

  @TempDir Path root;

  @Test
  void helperThreadsHoldNoCallersClassLoaderAndGoWhenIdle() throws Exception {
    ClassLoader containers = new ClassLoader(getClass().getClassLoader()) {};
    byte[] content = Artifacts.content(3 * B, 3);
    Thread request =
        new Thread(
            () -> {
              try (AppendableObject out = storage().openAppend("object")) {
                HashingCopy.copy(
                    new ByteArrayInputStream(content),
                    out,
                    DigestAlgorithm.SHA256.newMessageDigest(),
                    Long.MAX_VALUE);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            "a container's request thread");
    request.setContextClassLoader(containers);
    request.start();
    request.join();

    assertThat(copyThreads())
        .allSatisfy(
            thread ->
                assertThat(thread.getContextClassLoader())
                    .isSameAs(HashingCopy.class.getClassLoader()));
    Await.until("idle copy threads gone", () -> copyThreads().isEmpty());
  }

  private static List<Thread> copyThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals("oci-registry-copy"))
        .toList();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, B - 1, B, B + 1, 3 * B, 7 * B + 13})
  void copiesEveryByteAndHashesExactlyThem(int size) throws IOException {
    byte[] content = Artifacts.content(size, size);
    MessageDigest digest = DigestAlgorithm.SHA256.newMessageDigest();

    long copied;
    try (AppendableObject out = storage().openAppend("object")) {
      copied = HashingCopy.copy(new ByteArrayInputStream(content), out, digest, Long.MAX_VALUE);
    }

    assertThat(copied).isEqualTo(size);
    assertThat(Files.readAllBytes(root.resolve("object"))).isEqualTo(content);
    assertThat(Digest.of(DigestAlgorithm.SHA256, digest)).isEqualTo(Digest.sha256(content));
  }

  @Test
  void stopsAtTheLimitAndLeavesTheRestUnread() throws IOException {
    byte[] content = Artifacts.content(2 * B + 100, 1);
    ByteArrayInputStream in = new ByteArrayInputStream(content);
    MessageDigest digest = DigestAlgorithm.SHA256.newMessageDigest();

    try (AppendableObject out = storage().openAppend("object")) {
      assertThat(HashingCopy.copy(in, out, digest, B + 5)).isEqualTo(B + 5);
    }

    assertThat(in.available()).isEqualTo(content.length - (B + 5));
    assertThat(Files.size(root.resolve("object"))).isEqualTo(B + 5);
  }

  @Test
  void streamFailureReportsWrittenBytesAndTheirDigest() throws IOException {
    byte[] content = Artifacts.content(3 * B, 2);
    int failAt = 2 * B + 777;
    InputStream failing = failingAfter(content, failAt);

    try (AppendableObject out = storage().openAppend("object")) {
      assertThatThrownBy(
              () ->
                  HashingCopy.copy(
                      failing, out, DigestAlgorithm.SHA256.newMessageDigest(), Long.MAX_VALUE))
          .isInstanceOfSatisfying(
              HashingCopy.Interrupted.class,
              e -> {
                assertThat(e.written()).isEqualTo(failAt);
                assertThat(Digest.of(DigestAlgorithm.SHA256, e.digest()))
                    .isEqualTo(Digest.sha256(Arrays.copyOf(content, failAt)));
              });
    }
    assertThat(Files.readAllBytes(root.resolve("object")))
        .isEqualTo(Arrays.copyOf(content, failAt));
  }

  @Test
  void storageFailureCutsBackTheFailedBufferAndReportsDigestOfWhatStayed() throws IOException {
    byte[] content = Artifacts.content(5 * B, 3);
    long diskFullAt = 3 * B + 10;

    try (AppendableObject out = new DiskFullAfter(storage().openAppend("object"), diskFullAt)) {
      assertThatThrownBy(
              () ->
                  HashingCopy.copy(
                      new ByteArrayInputStream(content),
                      out,
                      DigestAlgorithm.SHA256.newMessageDigest(),
                      Long.MAX_VALUE))
          .isInstanceOfSatisfying(
              HashingCopy.Interrupted.class,
              e -> {
                assertThat(e.written()).isEqualTo(3L * B);
                assertThat(Digest.of(DigestAlgorithm.SHA256, e.digest()))
                    .isEqualTo(Digest.sha256(Arrays.copyOf(content, 3 * B)));
              });
    }
    assertThat(Files.readAllBytes(root.resolve("object"))).isEqualTo(Arrays.copyOf(content, 3 * B));
  }

  @Test
  void uncheckedStorageFailureEndsTheCopyInsteadOfHangingIt() throws IOException {
    byte[] content = Artifacts.content(6 * B, 4);
    try (AppendableObject file = storage().openAppend("object")) {
      AppendableObject broken =
          new ForwardingAppendable(file) {
            private int writes;

            @Override
            public int write(ByteBuffer source) throws IOException {
              if (++writes > 1) {
                throw new IllegalStateException("driver bug");
              }
              return super.write(source);
            }
          };
      assertThatThrownBy(
              () ->
                  HashingCopy.copy(
                      new ByteArrayInputStream(content),
                      broken,
                      DigestAlgorithm.SHA256.newMessageDigest(),
                      Long.MAX_VALUE))
          .isInstanceOfSatisfying(
              HashingCopy.Interrupted.class,
              e -> {
                assertThat(e.storageFailed()).isTrue();
                assertThat(e.written()).isEqualTo(B);
                assertThat(Digest.of(DigestAlgorithm.SHA256, e.digest()))
                    .isEqualTo(Digest.sha256(Arrays.copyOf(content, B)));
              });
    }
    assertThat(Files.size(root.resolve("object"))).isEqualTo(B);
  }

  @Test
  void failedSyncCutsBackEverythingTheCopyWrote() throws IOException {
    long interval = HashingCopy.SYNC_INTERVAL;
    byte[] before = Artifacts.content(1000, 7);
    byte[] content = Artifacts.content((int) interval + 2 * B, 5);
    MessageDigest digest = DigestAlgorithm.SHA256.newMessageDigest();
    try (AppendableObject file = storage().openAppend("object")) {
      HashingCopy.copy(new ByteArrayInputStream(before), file, digest, Long.MAX_VALUE);
      AppendableObject failingSync =
          new ForwardingAppendable(file) {
            @Override
            public void sync() throws IOException {
              throw new IOException("EIO on fsync");
            }
          };
      assertThatThrownBy(
              () ->
                  HashingCopy.copy(
                      new ByteArrayInputStream(content), failingSync, digest, Long.MAX_VALUE))
          .isInstanceOfSatisfying(
              HashingCopy.Interrupted.class,
              e -> {
                assertThat(e.storageFailed()).isTrue();
                assertThat(e.written()).isZero();
                assertThat(Digest.of(DigestAlgorithm.SHA256, e.digest()))
                    .isEqualTo(Digest.sha256(before));
              });
    }
    assertThat(Files.readAllBytes(root.resolve("object"))).isEqualTo(before);
  }

  @Test
  void syncsRunInTheBackgroundOneAtATimeWhileWritingGoesOn() throws IOException {
    long interval = HashingCopy.SYNC_INTERVAL;
    byte[] content = Artifacts.content((int) (2 * interval + 3 * B), 8);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger syncing = new AtomicInteger();
    AtomicInteger overlapping = new AtomicInteger();
    List<Long> growthDuringSyncs = new CopyOnWriteArrayList<>();
    // Past each interval the stream waits for that interval's sync to start, so that the bytes
    // after it can only reach the object while the sync runs if syncs leave writing going on.
    InputStream waitingForSyncs =
        new ByteArrayInputStream(content) {
          @Override
          public synchronized int read(byte[] buffer, int offset, int length) {
            long boundary = pos / interval;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pos % interval == 0 && started.get() < boundary) {
              if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no sync started at " + pos);
              }
              Thread.onSpinWait();
            }
            int toBoundary = (int) (interval - pos % interval);
            return super.read(buffer, offset, Math.min(length, toBoundary));
          }
        };
    try (AppendableObject file = storage().openAppend("object")) {
      AppendableObject watched =
          new ForwardingAppendable(file) {
            @Override
            public void sync() throws IOException {
              if (syncing.incrementAndGet() > 1) {
                overlapping.incrementAndGet();
              }
              try {
                long atStart = size();
                started.incrementAndGet();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (size() < atStart + 2 * B && System.nanoTime() < deadline) {
                  Thread.onSpinWait();
                }
                growthDuringSyncs.add(size() - atStart);
                super.sync();
              } finally {
                syncing.decrementAndGet();
              }
            }
          };
      long copied =
          HashingCopy.copy(
              waitingForSyncs, watched, DigestAlgorithm.SHA256.newMessageDigest(), Long.MAX_VALUE);
      assertThat(copied).isEqualTo(content.length);
    }
    assertThat(overlapping).hasValue(0);
    // One sync started at each interval, and the copy went on writing while each ran.
    assertThat(growthDuringSyncs).hasSize(2).allSatisfy(growth -> assertThat(growth).isPositive());
  }

  @Test
  void failureThatCannotBeCutBackReportsWhatWasWrittenAndCarriesTheCutBackFailure()
      throws IOException {
    byte[] content = Artifacts.content(4 * B, 9);
    try (AppendableObject file = storage().openAppend("object")) {
      AppendableObject stuck =
          new DiskFullAfter(file, 2L * B + 1) {
            @Override
            public void truncate(long size) throws IOException {
              throw new IOException("read-only filesystem");
            }
          };
      assertThatThrownBy(
              () ->
                  HashingCopy.copy(
                      new ByteArrayInputStream(content),
                      stuck,
                      DigestAlgorithm.SHA256.newMessageDigest(),
                      Long.MAX_VALUE))
          .isInstanceOfSatisfying(
              HashingCopy.Interrupted.class,
              e -> {
                assertThat(e.storageFailed()).isTrue();
                assertThat(e.written()).isEqualTo(2L * B);
                assertThat(Digest.of(DigestAlgorithm.SHA256, e.digest()))
                    .isEqualTo(Digest.sha256(Arrays.copyOf(content, 2 * B)));
                assertThat(e.getCause()).hasMessage("No space left on device");
                assertThat(e.getCause().getSuppressed())
                    .singleElement()
                    .satisfies(cutBack -> assertThat(cutBack).hasMessage("read-only filesystem"));
              });
    }
    // The byte past what was written stays: the caller cuts it back before using the object.
    assertThat(Files.size(root.resolve("object"))).isEqualTo(2L * B + 1);
  }

  @Test
  void interruptWhileReadingStopsTheCopyBeforeItsWriteAndKeepsTheFlag() throws IOException {
    byte[] content = Artifacts.content(3 * B, 10);
    InputStream interrupting =
        new ByteArrayInputStream(content) {
          @Override
          public synchronized int read(byte[] buffer, int offset, int length) {
            if (pos >= B) {
              Thread.currentThread().interrupt();
            }
            return super.read(buffer, offset, Math.min(length, 1000));
          }
        };
    try (AppendableObject out = storage().openAppend("object")) {
      assertThatThrownBy(
              () ->
                  HashingCopy.copy(
                      interrupting, out, DigestAlgorithm.SHA256.newMessageDigest(), Long.MAX_VALUE))
          .isInstanceOfSatisfying(
              HashingCopy.Interrupted.class,
              e -> {
                assertThat(e.storageFailed()).isFalse();
                assertThat(e.written()).isEqualTo(B);
                assertThat(Digest.of(DigestAlgorithm.SHA256, e.digest()))
                    .isEqualTo(Digest.sha256(Arrays.copyOf(content, B)));
              });
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(Files.readAllBytes(root.resolve("object"))).isEqualTo(Arrays.copyOf(content, B));
  }

  @Test
  void uncheckedStreamFailureIsReportedWithWhatWasWritten() throws IOException {
    byte[] content = Artifacts.content(2 * B, 6);
    InputStream failing =
        new ByteArrayInputStream(content) {
          @Override
          public synchronized int read(byte[] buffer, int offset, int length) {
            if (pos >= B + 10) {
              throw new java.io.UncheckedIOException(new IOException("reset"));
            }
            return super.read(buffer, offset, Math.min(length, B + 10 - pos));
          }
        };
    try (AppendableObject out = storage().openAppend("object")) {
      assertThatThrownBy(
              () ->
                  HashingCopy.copy(
                      failing, out, DigestAlgorithm.SHA256.newMessageDigest(), Long.MAX_VALUE))
          .isInstanceOfSatisfying(
              HashingCopy.Interrupted.class,
              e -> {
                assertThat(e.storageFailed()).isFalse();
                assertThat(e.written()).isEqualTo(B + 10);
                assertThat(Digest.of(DigestAlgorithm.SHA256, e.digest()))
                    .isEqualTo(Digest.sha256(Arrays.copyOf(content, B + 10)));
              });
    }
    assertThat(Files.size(root.resolve("object"))).isEqualTo(B + 10);
  }

  private FileSystemStorage storage() throws IOException {
    return new FileSystemStorage(root);
  }

  private static InputStream failingAfter(byte[] content, int failAt) {
    return new InputStream() {
      private int position;

      @Override
      public int read() throws IOException {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (position >= failAt) {
          throw new IOException("connection reset");
        }
        int count = Math.min(Math.min(length, 1000), failAt - position);
        System.arraycopy(content, position, buffer, offset, count);
        position += count;
        return count;
      }
    };
  }

  /** A real file that refuses writes past a size, as a full disk does, after a partial write. */
  private static class DiskFullAfter extends ForwardingAppendable {
    private final long capacity;

    DiskFullAfter(AppendableObject file, long capacity) {
      super(file);
      this.capacity = capacity;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      long room = capacity - size();
      if (room <= 0) {
        throw new IOException("No space left on device");
      }
      if (source.remaining() > room) {
        ByteBuffer part = source.duplicate();
        part.limit(part.position() + (int) room);
        int written = super.write(part);
        source.position(source.position() + written);
        return written;
      }
      return super.write(source);
    }
  }
}
