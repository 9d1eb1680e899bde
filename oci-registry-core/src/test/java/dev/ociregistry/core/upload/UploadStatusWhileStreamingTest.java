package dev.ociregistry.core.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.model.RepositoryName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Asking where an upload stands never waits for a chunk that is still streaming in. */
class UploadStatusWhileStreamingTest {
  private static final RepositoryName REPO = RepositoryName.parse("os-images/windows");

  @TempDir Path root;

  @Test
  void statusDuringAStalledChunkAnswersTheOffsetBeforeItAtOnce() throws Exception {
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      UploadManager uploads = registry.uploads();
      String id = uploads.start(REPO).id();
      uploads.append(REPO, id, 0, 5, new ByteArrayInputStream(new byte[5]));
      CountDownLatch stalled = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> chunk =
          CompletableFuture.runAsync(
              () -> {
                try {
                  uploads.append(REPO, id, 5, -1, new StallingStream(stalled, release));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<UploadStatus> status =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return uploads.status(REPO, id);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });

      assertThat(status.get(5, TimeUnit.SECONDS).offset()).isEqualTo(5);
      release.countDown();
      chunk.get(10, TimeUnit.SECONDS);
      assertThat(uploads.status(REPO, id).offset()).isEqualTo(8);
    }
  }

  /** Sends three bytes, then waits until released, then ends. */
  private static final class StallingStream extends InputStream {
    private final CountDownLatch stalled;
    private final CountDownLatch release;
    private int sent;

    StallingStream(CountDownLatch stalled, CountDownLatch release) {
      this.stalled = stalled;
      this.release = release;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (sent < 3) {
        int count = Math.min(length, 3 - sent);
        sent += count;
        return count;
      }
      stalled.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return -1;
    }
  }
}
