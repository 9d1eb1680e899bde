package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.testing.ForkedRegistryMain;
import dev.ociregistry.testkit.DigestingInputStream;
import dev.ociregistry.testkit.GeneratedContent;
import dev.ociregistry.testkit.TestHttp;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large blob streams through a server JVM with a 64 MiB heap: pushed in one chunked PATCH, closed
 * with PUT, pulled back and verified by digest. 1 GiB by default; {@code -Dociregistry.largeBytes}
 * sets the size (the {@code long-proofs} profile pushes 10 GiB).
 */
class LargeStreamedTransferTest {
  private static final long SIZE = Long.getLong("ociregistry.largeBytes", 1024L * 1024 * 1024);

  @TempDir Path root;

  @Test
  void largeBlobStreamsThroughA64MiBHeapAndComesBackIntact() throws Exception {
    Process server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                ForkedRegistryMain.class.getName(),
                root.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      int port = Integer.parseInt(readValue(out, "PORT="));
      long maxHeap = Long.parseLong(readValue(out, "MAX_HEAP="));
      assertThat(maxHeap).isLessThanOrEqualTo(64L * 1024 * 1024);
      TestHttp http = new TestHttp(URI.create("http://127.0.0.1:" + port));

      TestHttp.Response started = http.post("/v2/os-images/windows/blobs/uploads/", new byte[0]);
      assertThat(started.status()).isEqualTo(202);
      String location = started.header("Location").orElseThrow();

      DigestingInputStream content = new DigestingInputStream(new GeneratedContent(SIZE, 42));
      long pushStart = System.nanoTime();
      TestHttp.Response patched = http.patchStreamed(location, () -> content);
      assertThat(patched.status()).isEqualTo(202);
      assertThat(patched.header("Range")).hasValue("0-" + (SIZE - 1));
      String digest = content.digest();
      TestHttp.Response closed = http.put(location + "?digest=" + digest, null, new byte[0]);
      assertThat(closed.status()).isEqualTo(201);
      double pushSeconds = (System.nanoTime() - pushStart) / 1e9;

      long pullStart = System.nanoTime();
      HttpResponse<InputStream> pulled =
          http.stream(http.request("/v2/os-images/windows/blobs/" + digest).GET());
      assertThat(pulled.statusCode()).isEqualTo(200);
      assertThat(pulled.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
      DigestingInputStream body = new DigestingInputStream(pulled.body());
      try (body) {
        body.transferTo(OutputStream.nullOutputStream());
      }
      double pullSeconds = (System.nanoTime() - pullStart) / 1e9;
      assertThat(body.count()).isEqualTo(SIZE);
      assertThat(body.digest()).isEqualTo(digest);
      System.out.printf(
          "large transfer: %d MiB, push %.1f MiB/s, pull %.1f MiB/s, server heap %d MiB%n",
          SIZE >> 20, (SIZE >> 20) / pushSeconds, (SIZE >> 20) / pullSeconds, maxHeap >> 20);
      assertThat(server.isAlive()).isTrue();
    } finally {
      server.getOutputStream().close();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static String readValue(BufferedReader out, String prefix) throws Exception {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length());
      }
    }
    throw new IllegalStateException("forked server ended before printing " + prefix);
  }
}
