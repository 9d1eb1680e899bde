package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while a client is pushing: the controller stops within its bound, keeps the bytes that
 * arrived, and after a restart the client resumes the same upload and completes it.
 */
class GracefulShutdownIT {
  private static final int SENT_BEFORE_STALL = 3 * 1024 * 1024;
  private static final int ARRIVED_BEFORE_STOP = 1024 * 1024;
  private static final int TOTAL = 5 * 1024 * 1024;

  @TempDir Path workDir;

  @Test
  void sigtermDuringUploadStopsInTimeAndTheUploadResumesAfterRestart() throws Exception {
    byte[] blob = Artifacts.content(TOTAL, 11);
    String digest = Digests.sha256(blob);
    Map<String, String> env =
        ControllerJar.onAFreePort(Map.of("DATA_DIR", workDir.resolve("data").toString()));

    String location;
    CountDownLatch release = new CountDownLatch(1);
    try (JarProcess controller = ControllerJar.started(workDir, env)) {
      TestHttp http = new TestHttp(controller.base());
      location = new Pusher(http).startUpload("os-images/windows");

      Thread pusher =
          new Thread(
              () -> {
                try {
                  http.patchStreamed(location, () -> new StallingStream(blob, release));
                } catch (IOException expected) {
                  // the server went away mid-request
                }
              });
      pusher.setDaemon(true);
      pusher.start();
      awaitStored(location, ARRIVED_BEFORE_STOP);

      long stopStart = System.nanoTime();
      controller.terminate();
      int exit = controller.awaitExit(Duration.ofSeconds(60));
      Duration stopTook = Duration.ofNanos(System.nanoTime() - stopStart);
      release.countDown();

      assertThat(exit).as(controller.log()).isZero();
      assertThat(stopTook).isLessThan(Duration.ofSeconds(40));
      assertThat(controller.log()).contains("stopping").contains("stopped");
    }

    try (JarProcess controller = ControllerJar.started(workDir, env)) {
      TestHttp http = new TestHttp(controller.base());
      Response status = http.get(location).expect(204);
      long received = Long.parseLong(status.header("Range").orElseThrow().split("-")[1]) + 1;
      // What the client's HTTP stack still held when it stalled never arrived; the rest is kept.
      assertThat(received).isBetween((long) ARRIVED_BEFORE_STOP, (long) SENT_BEFORE_STALL);

      http.patch(
              location,
              received + "-" + (TOTAL - 1),
              Arrays.copyOfRange(blob, (int) received, TOTAL))
          .expect(202);
      http.put(location + "?digest=" + digest, null, new byte[0]).expect(201);

      Response pulled = http.get("/v2/os-images/windows/blobs/" + digest);
      assertThat(pulled.status()).isEqualTo(200);
      assertThat(Digests.sha256(pulled.body())).isEqualTo(digest);
    }
  }

  /** Waits until the upload's data file holds {@code bytes}, proof that the stream reached it. */
  private void awaitStored(String location, long bytes) {
    Path data =
        workDir
            .resolve("data/registry/uploads")
            .resolve(location.substring(location.lastIndexOf('/') + 1))
            .resolve("data");
    Await.until(bytes + " bytes stored in " + data, () -> storedSize(data) >= bytes);
  }

  private static long storedSize(Path data) {
    try {
      return Files.size(data);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Sends the first {@link #SENT_BEFORE_STALL} bytes, then waits until released, then fails. */
  private static final class StallingStream extends InputStream {
    private final byte[] content;
    private final CountDownLatch release;
    private int position;

    StallingStream(byte[] content, CountDownLatch release) {
      this.content = content;
      this.release = release;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (position >= SENT_BEFORE_STALL) {
        try {
          release.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("client gives up");
      }
      int count = Math.min(length, SENT_BEFORE_STALL - position);
      System.arraycopy(content, position, buffer, offset, count);
      position += count;
      return count;
    }
  }
}
