package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.GeneratedContent;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.Skopeo;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx in front of the jar with the configuration of {@code docs/operations.md} ({@code
 * deploy/nginx/oci-registry.conf}), only its listen port, upstream port and certificate paths
 * changed: TLS ends at nginx, skopeo pushes and pulls through it with every digest intact, a
 * chunked upload of 80 MiB (above the 64 MiB the controller logs a transfer line for) streams
 * through with relative {@code Location} headers and nothing buffered on nginx's disk, and, without
 * {@code TRUSTED_PROXIES}, the controller sees the proxy as the client whatever {@code
 * X-Forwarded-For} says ({@link TrustedProxiesIT} has the proxy trusted).
 *
 * <p>A missing {@code nginx} (Debian's package, which {@code .ci/run} installs), {@code openssl} or
 * {@code skopeo} fails the test.
 */
class ReverseProxyIT {
  private static final int CHUNKED_UPLOAD_BYTES = 80 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path workDir;
  private static JarProcess controller;
  private static NginxInFront nginx;
  private static TestHttp direct;

  @BeforeAll
  static void startTheControllerBehindNginx() throws Exception {
    controller =
        ControllerJar.startedOnAFreePort(
            workDir, Map.of("DATA_DIR", workDir.resolve("data").toString()));
    direct = new TestHttp(controller.base());
    nginx = NginxInFront.start(workDir, controller.awaitListening());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (nginx != null) {
      nginx.close();
    }
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void skopeoPushesAndPullsAnImageThroughNginxWithEveryDigestIntact() throws Exception {
    Blob layer = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(16 << 20, 7));
    Manifest image =
        new Pusher(direct)
            .image(
                "source/app",
                "1",
                Artifacts.image().config(Artifacts.config("proxied")).layer(layer).build());
    Skopeo skopeo = Skopeo.require(workDir.resolve("skopeo"));
    String through = "docker://127.0.0.1:" + nginx.base().getPort() + "/proxied/app:1";
    Path digestFile = workDir.resolve("pushed.digest");

    skopeo.run(
        "copy",
        "--preserve-digests",
        "--src-tls-verify=false",
        "--dest-cert-dir",
        nginx.certificates().toString(),
        "--digestfile",
        digestFile.toString(),
        "docker://" + direct.hostPort() + "/source/app:1",
        through);
    String raw =
        skopeo
            .run("inspect", "--raw", "--cert-dir", nginx.certificates().toString(), through)
            .stdout();
    Path pulled = workDir.resolve("pulled");
    skopeo.run(
        "copy",
        "--preserve-digests",
        "--dest-oci-accept-uncompressed-layers",
        "--src-cert-dir",
        nginx.certificates().toString(),
        through,
        "oci:" + pulled + ":app");

    assertThat(Files.readString(digestFile).trim()).isEqualTo(image.digest());
    assertThat(Digests.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(image.digest());
    JsonNode index = JSON.readTree(pulled.resolve("index.json").toFile());
    assertThat(index.at("/manifests/0/digest").asText()).isEqualTo(image.digest());
    for (Blob blob : image.blobs()) {
      assertThat(
              Files.readAllBytes(
                  pulled.resolve("blobs/sha256").resolve(Digests.hex(blob.digest()))))
          .as(blob.digest())
          .isEqualTo(blob.content());
    }
    assertThat(nginx.log()).doesNotContain("[error]", "[crit]", "[alert]");
  }

  @Test
  void aChunkedUploadOfEightyMibStreamsThroughNginxWithRelativeLocations() throws Exception {
    String digest = "sha256:" + HexFormat.of().formatHex(sha256(generated()));

    HttpResponse<byte[]> opened =
        send(request("/v2/proxied/big/blobs/uploads/").POST(BodyPublishers.noBody()));
    assertThat(opened.statusCode()).isEqualTo(202);
    String session = opened.headers().firstValue("Location").orElseThrow();
    assertThat(session).startsWith("/v2/proxied/big/blobs/uploads/");
    long pushing = System.nanoTime();
    HttpResponse<byte[]> patched =
        send(
            request(session)
                .method("PATCH", BodyPublishers.ofInputStream(ReverseProxyIT::generated))
                .header("Content-Type", "application/octet-stream"));
    assertThat(patched.statusCode())
        .as(new String(patched.body(), StandardCharsets.UTF_8))
        .isEqualTo(202);
    Duration pushed = Duration.ofNanos(System.nanoTime() - pushing);
    assertThat(patched.headers().firstValue("Range")).contains("0-" + (CHUNKED_UPLOAD_BYTES - 1));
    assertThat(bodyTemporaries()).as("request bodies nginx buffered on disk").isZero();
    String next = patched.headers().firstValue("Location").orElseThrow();
    assertThat(next).startsWith("/v2/proxied/big/blobs/uploads/");
    HttpResponse<byte[]> closed =
        send(
            request(next + (next.contains("?") ? "&" : "?") + "digest=" + digest)
                .PUT(BodyPublishers.noBody()));
    assertThat(closed.statusCode()).isEqualTo(201);
    assertThat(closed.headers().firstValue("Location")).contains("/v2/proxied/big/blobs/" + digest);

    long pulling = System.nanoTime();
    HttpResponse<InputStream> pulled =
        nginx.stream(request("/v2/proxied/big/blobs/" + digest).GET());
    assertThat(pulled.statusCode()).isEqualTo(200);
    assertThat(pulled.headers().firstValueAsLong("Content-Length")).hasValue(CHUNKED_UPLOAD_BYTES);
    try (InputStream body = pulled.body()) {
      assertThat(Digests.sha256(body)).isEqualTo(digest);
    }
    Duration pulledIn = Duration.ofNanos(System.nanoTime() - pulling);
    System.out.printf(
        "reverse proxy: %d MiB through nginx (TLS) in one chunked PATCH in %d ms, pulled back in"
            + " %d ms; no request body buffered on nginx's disk%n",
        CHUNKED_UPLOAD_BYTES >> 20, pushed.toMillis(), pulledIn.toMillis());
    String transfer = "PATCH " + session + " received " + CHUNKED_UPLOAD_BYTES + " bytes";
    Await.until(
        "the controller's transfers line: " + transfer, () -> controller.log().contains(transfer));
  }

  @Test
  void withoutTrustedProxiesTheControllerSeesTheProxyAsTheClientWhateverXForwardedForSays()
      throws Exception {
    String agent = "forwarded-check/" + System.nanoTime();

    HttpResponse<byte[]> answer =
        send(
            request("/v2/")
                .header("X-Forwarded-For", "203.0.113.9")
                .header("User-Agent", agent)
                .GET());

    assertThat(answer.statusCode()).isEqualTo(200);
    String line =
        Await.value(
            "the controller's access log line",
            Duration.ofSeconds(10),
            () -> controller.log().lines().filter(l -> l.contains(agent)).findFirst());
    assertThat(line).contains(" access - 127.0.0.1 ").doesNotContain("203.0.113.9");
  }

  /** The 80 MiB body, the same on every call: the upload streams it as nginx asks for more. */
  private static InputStream generated() {
    return new GeneratedContent(CHUNKED_UPLOAD_BYTES, 80);
  }

  private static byte[] sha256(InputStream in) throws IOException {
    MessageDigest digest = Digests.newSha256();
    byte[] buffer = new byte[64 * 1024];
    for (int read; (read = in.read(buffer)) > 0; ) {
      digest.update(buffer, 0, read);
    }
    return digest.digest();
  }

  private static long bodyTemporaries() throws IOException {
    Path body = nginx.directory().resolve("body");
    if (!Files.isDirectory(body)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(body)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static HttpRequest.Builder request(String path) {
    return nginx.request(path);
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
    return nginx.send(request);
  }
}
