package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Commands;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.Skopeo;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx in front of the jar with the configuration of {@code docs/operations.md} ({@code
 * deploy/nginx/oci-registry.conf}), only its listen port, upstream port and certificate paths
 * changed: TLS ends at nginx, skopeo pushes and pulls through it with every digest intact, a
 * chunked upload of 80 MiB (above the 64 MiB the controller logs a transfer line for) streams
 * through with relative {@code Location} headers and nothing buffered on nginx's disk, and the
 * controller sees the proxy as the client whatever {@code X-Forwarded-For} says.
 *
 * <p>A missing {@code nginx} (Debian's package, which {@code .ci/run} installs), {@code openssl} or
 * {@code skopeo} fails the test.
 */
class ReverseProxyIT {
  private static final Path CONFIG =
      Path.of(System.getProperty("user.dir"))
          .toAbsolutePath()
          .resolveSibling("deploy")
          .resolve("nginx/oci-registry.conf");
  private static final int CHUNKED_UPLOAD_BYTES = 80 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path workDir;
  private static JarProcess controller;
  private static Process nginx;
  private static Path nginxDir;
  private static Path certificates;
  private static HttpClient https;
  private static URI proxy;
  private static TestHttp direct;

  @BeforeAll
  static void startTheControllerBehindNginx() throws Exception {
    controller =
        ControllerJar.startedOnAFreePort(
            workDir, Map.of("DATA_DIR", workDir.resolve("data").toString()));
    direct = new TestHttp(controller.base());
    nginxDir = Files.createDirectories(workDir.resolve("nginx"));
    certificates = Files.createDirectories(workDir.resolve("certs"));
    Path key = nginxDir.resolve("registry.key");
    Path certificate = certificates.resolve("ca.crt");
    Commands.Result made =
        Commands.run(
            List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                certificate.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1"),
            workDir,
            env -> {},
            Duration.ofSeconds(60));
    assertThat(made.exitCode()).as(made.toString()).isZero();

    int port = freePort();
    String documented = Files.readString(CONFIG);
    String site =
        replaceOnce(
            replaceOnce(
                replaceOnce(
                    replaceOnce(
                        documented, "listen 443 ssl;", "listen 127.0.0.1:" + port + " ssl;"),
                    "server 127.0.0.1:8080;",
                    "server 127.0.0.1:" + controller.awaitListening() + ";"),
                "/etc/nginx/tls/registry.crt",
                certificate.toString()),
            "/etc/nginx/tls/registry.key",
            key.toString());
    Files.writeString(nginxDir.resolve("oci-registry.conf"), site);
    // The main configuration a Debian nginx.conf would be, with every path in the test's directory.
    Files.writeString(
        nginxDir.resolve("nginx.conf"),
        String.join(
            "\n",
            "daemon off;",
            "worker_processes 1;",
            isRoot() ? "user root;" : "",
            "pid " + nginxDir.resolve("nginx.pid") + ";",
            "error_log " + nginxDir.resolve("error.log") + " info;",
            "events { worker_connections 256; }",
            "http {",
            "  access_log " + nginxDir.resolve("access.log") + ";",
            "  client_body_temp_path " + nginxDir.resolve("body") + ";",
            "  proxy_temp_path " + nginxDir.resolve("proxy") + ";",
            "  fastcgi_temp_path " + nginxDir.resolve("fastcgi") + ";",
            "  uwsgi_temp_path " + nginxDir.resolve("uwsgi") + ";",
            "  scgi_temp_path " + nginxDir.resolve("scgi") + ";",
            "  include " + nginxDir.resolve("oci-registry.conf") + ";",
            "}",
            ""));
    Path executable = SystemdUnitIT.requireTool("nginx", "nginx");
    nginx =
        new ProcessBuilder(
                executable.toString(),
                "-p",
                nginxDir.toString(),
                "-c",
                nginxDir.resolve("nginx.conf").toString(),
                "-e",
                nginxDir.resolve("error.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(nginxDir.resolve("nginx.out").toFile())
            .start();

    https =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .sslContext(trusting(certificate))
            .build();
    proxy = URI.create("https://127.0.0.1:" + port);
    Await.until(
        "nginx to answer /v2/ over TLS",
        () -> {
          if (!nginx.isAlive()) {
            throw new AssertionError("nginx ended: " + nginxLog());
          }
          try {
            return send(request("/v2/").GET()).statusCode() == 200;
          } catch (IOException e) {
            return false;
          }
        });
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor();
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
    String through = "docker://127.0.0.1:" + proxy.getPort() + "/proxied/app:1";
    Path digestFile = workDir.resolve("pushed.digest");

    skopeo.run(
        "copy",
        "--preserve-digests",
        "--src-tls-verify=false",
        "--dest-cert-dir",
        certificates.toString(),
        "--digestfile",
        digestFile.toString(),
        "docker://" + direct.hostPort() + "/source/app:1",
        through);
    String raw =
        skopeo.run("inspect", "--raw", "--cert-dir", certificates.toString(), through).stdout();
    Path pulled = workDir.resolve("pulled");
    skopeo.run(
        "copy",
        "--preserve-digests",
        "--dest-oci-accept-uncompressed-layers",
        "--src-cert-dir",
        certificates.toString(),
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
    assertThat(nginxLog()).doesNotContain("[error]", "[crit]", "[alert]");
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
        https.send(
            request("/v2/proxied/big/blobs/" + digest).GET().build(), BodyHandlers.ofInputStream());
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
  void theControllerSeesTheProxyAsTheClientWhateverXForwardedForSays() throws Exception {
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
    return new InputStream() {
      private final Random random = new Random(80);
      private final byte[] block = new byte[64 * 1024];
      private int position = block.length;
      private long left = CHUNKED_UPLOAD_BYTES;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) {
        if (left == 0) {
          return -1;
        }
        if (position == block.length) {
          random.nextBytes(block);
          position = 0;
        }
        int count = (int) Math.min(Math.min(length, block.length - position), left);
        System.arraycopy(block, position, buffer, offset, count);
        position += count;
        left -= count;
        return count;
      }
    };
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
    Path body = nginxDir.resolve("body");
    if (!Files.isDirectory(body)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(body)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(proxy.resolve(path)).timeout(Duration.ofMinutes(5));
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
    try {
      return https.send(request.build(), BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** A TLS context trusting exactly {@code certificate}. */
  private static SSLContext trusting(Path certificate) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(certificate)) {
      trusted.setCertificateEntry(
          "nginx",
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static String replaceOnce(String text, String target, String replacement) {
    assertThat(text.indexOf(target))
        .as("the documented configuration holds " + target + " once")
        .isNotNegative()
        .isEqualTo(text.lastIndexOf(target));
    return text.replace(target, replacement);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static String nginxLog() {
    try {
      return Files.readString(nginxDir.resolve("error.log"))
          + Files.readString(nginxDir.resolve("nginx.out"));
    } catch (IOException e) {
      return "(no nginx log: " + e + ")";
    }
  }
}
