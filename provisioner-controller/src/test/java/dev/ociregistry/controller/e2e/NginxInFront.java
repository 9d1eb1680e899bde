package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Commands;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * nginx (Debian's package, which {@code .ci/run} installs) in front of a controller with the
 * configuration of {@code docs/operations.md}, {@code deploy/nginx/oci-registry.conf}, only its
 * listen port (127.0.0.1 and a free port), upstream port and certificate paths changed: TLS ends at
 * nginx, with a certificate for {@code 127.0.0.1} made by {@code openssl}. A missing {@code nginx}
 * or {@code openssl} fails the test.
 */
final class NginxInFront implements AutoCloseable {
  private static final Path CONFIG =
      Path.of(System.getProperty("user.dir"))
          .toAbsolutePath()
          .resolveSibling("deploy")
          .resolve("nginx/oci-registry.conf");

  private final Process process;
  private final Path directory;
  private final Path certificates;
  private final SSLContext tls;
  private final HttpClient https;
  private final URI base;

  private NginxInFront(
      Process process, Path directory, Path certificates, SSLContext tls, URI base) {
    this.process = process;
    this.directory = directory;
    this.certificates = certificates;
    this.tls = tls;
    this.base = base;
    this.https =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .sslContext(tls)
            .build();
  }

  /**
   * Starts nginx in {@code workDir} (its files in {@code nginx/}, the certificate in {@code
   * certs/}) in front of the controller listening on 127.0.0.1 and {@code upstreamPort}, and waits
   * until it answers {@code /v2/} over TLS.
   */
  static NginxInFront start(Path workDir, int upstreamPort) throws Exception {
    return start(workDir, List.of(upstreamPort), true);
  }

  /**
   * Starts nginx in {@code workDir} as a round-robin front over replicas listening on 127.0.0.1 and
   * {@code upstreamPorts}: the documented configuration with one {@code server} line for each, as a
   * site with several replicas writes it, listening on plain HTTP (as {@code oras --plain-http}
   * reaches a registry). nginx picks the next replica for every request; {@link #upstreamsUsed}
   * says which answered.
   */
  static NginxInFront roundRobin(Path workDir, List<Integer> upstreamPorts) throws Exception {
    return start(workDir, upstreamPorts, false);
  }

  private static NginxInFront start(Path workDir, List<Integer> upstreamPorts, boolean tls)
      throws Exception {
    Path nginxDir = Files.createDirectories(workDir.resolve("nginx"));
    Path certificates = Files.createDirectories(workDir.resolve("certs"));
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
    StringBuilder servers = new StringBuilder();
    for (int upstreamPort : upstreamPorts) {
      servers.append(servers.isEmpty() ? "" : "\n    ");
      servers.append("server 127.0.0.1:").append(upstreamPort).append(';');
    }
    String site =
        replaceOnce(
            replaceOnce(
                replaceOnce(
                    replaceOnce(
                        documented,
                        "listen 443 ssl;",
                        "listen 127.0.0.1:" + port + (tls ? " ssl;" : ";")),
                    "server 127.0.0.1:8080;",
                    servers.toString()),
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
            "root".equals(System.getProperty("user.name")) ? "user root;" : "",
            "pid " + nginxDir.resolve("nginx.pid") + ";",
            "error_log " + nginxDir.resolve("error.log") + " info;",
            "events { worker_connections 256; }",
            "http {",
            "  log_format upstreams '$request_method $uri $status $upstream_addr';",
            "  access_log " + nginxDir.resolve("access.log") + ";",
            "  access_log " + nginxDir.resolve("upstreams.log") + " upstreams;",
            "  client_body_temp_path " + nginxDir.resolve("body") + ";",
            "  proxy_temp_path " + nginxDir.resolve("proxy") + ";",
            "  fastcgi_temp_path " + nginxDir.resolve("fastcgi") + ";",
            "  uwsgi_temp_path " + nginxDir.resolve("uwsgi") + ";",
            "  scgi_temp_path " + nginxDir.resolve("scgi") + ";",
            "  include " + nginxDir.resolve("oci-registry.conf") + ";",
            "}",
            ""));
    Path executable = SystemdUnitIT.requireTool("nginx", "nginx");
    Process process =
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
    NginxInFront nginx =
        new NginxInFront(
            process,
            nginxDir,
            certificates,
            trusting(certificate),
            URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port));
    Await.until(
        "nginx to answer /v2/",
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("nginx ended: " + nginx.log());
          }
          try {
            int status = nginx.send(nginx.request("/v2/").GET()).statusCode();
            return status == 200 || status == 401;
          } catch (IOException e) {
            return false;
          }
        });
    return nginx;
  }

  /** {@code https://127.0.0.1:<port>}. */
  URI base() {
    return base;
  }

  /**
   * The replica that answered each request so far ({@code 127.0.0.1:<port>}), in order: what nginx
   * logged as the upstream address, requests it answered itself left out.
   */
  List<String> upstreamsUsed() throws IOException {
    List<String> used = new ArrayList<>();
    for (String line : Files.readAllLines(directory.resolve("upstreams.log"))) {
      String upstream = line.substring(line.lastIndexOf(' ') + 1);
      if (!upstream.equals("-")) {
        used.add(upstream);
      }
    }
    return used;
  }

  /** nginx's own directory: its configuration, logs and temporaries. */
  Path directory() {
    return directory;
  }

  /** A directory holding the certificate as {@code ca.crt}, for {@code skopeo --cert-dir}. */
  Path certificates() {
    return certificates;
  }

  /** A TLS context trusting exactly nginx's certificate. */
  SSLContext tls() {
    return tls;
  }

  /** A request to {@code path} through nginx, with a five-minute timeout. */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5));
  }

  HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
    try {
      return https.send(request.build(), BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  HttpResponse<InputStream> stream(HttpRequest.Builder request) throws IOException {
    try {
      return https.send(request.build(), BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** nginx's error log and output. */
  String log() {
    try {
      return Files.readString(directory.resolve("error.log"))
          + Files.readString(directory.resolve("nginx.out"));
    } catch (IOException e) {
      return "(no nginx log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

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
}
