package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import dev.ociregistry.testkit.TestSecrets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TRUSTED_PROXIES}: the jar behind nginx ({@link NginxInFront}, the shipped configuration,
 * TLS ending at nginx), once with {@code TRUSTED_PROXIES=127.0.0.1} and once without. Trusted,
 * {@code task.json} names the registry by the {@code https} URL clients use, and the access log and
 * the audit log's {@code client} show the client's address, not nginx's, even when the client sends
 * an {@code X-Forwarded-For} of its own; untrusted, nothing changes. Failed logins are throttled
 * per forwarded client, and a client that is not a trusted proxy cannot escape its throttle by
 * sending {@code X-Forwarded-For}.
 *
 * <p>The client reaches nginx from 127.0.0.2 (a socket bound there), so that it is told apart from
 * nginx, which reaches the controller from 127.0.0.1. A missing {@code nginx} or {@code openssl}
 * fails the test.
 */
class TrustedProxiesIT {
  private static final String USER = "provisioner";
  private static final String PASSWORD = TestSecrets.password(USER);
  private static final String CLIENT = "127.0.0.2";
  private static final AtomicInteger PROBES = new AtomicInteger();

  @TempDir static Path workDir;
  private static Site trusting;
  private static Site untrusting;

  /** A controller with nginx in front of it, and where it logs. */
  private record Site(Path dir, JarProcess controller, NginxInFront nginx) {
    TestHttp direct() throws Exception {
      return new TestHttp(controller.base()).withBasicAuth(USER, PASSWORD);
    }

    Path accessLog() {
      return dir.resolve("access.log");
    }

    Path auditLog() {
      return dir.resolve("data/audit.log");
    }
  }

  @BeforeAll
  static void startTwoControllersBehindNginx() throws Exception {
    trusting = site("trusting", Map.of("TRUSTED_PROXIES", "127.0.0.1"));
    untrusting = site("untrusting", Map.of());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (Site site : new Site[] {trusting, untrusting}) {
      if (site != null) {
        if (site.nginx() != null) {
          site.nginx().close();
        }
        site.controller().close();
      }
    }
  }

  @Test
  void trustedTaskJsonNamesTheRegistryByTheHttpsUrlClientsUseThroughTheProxy() throws Exception {
    assertThat(taskRegistryUrl(trusting))
        .isEqualTo("https://127.0.0.1:" + trusting.nginx().base().getPort());
  }

  @Test
  void untrustedTaskJsonNamesTheRegistryByTheProxysHttpHop() throws Exception {
    assertThat(taskRegistryUrl(untrusting))
        .isEqualTo("http://127.0.0.1:" + untrusting.nginx().base().getPort());
  }

  @Test
  void trustedTheAccessAndAuditLogsShowTheClientsAddress() throws Exception {
    assertThat(probeFromClient(trusting, "")).containsExactly(CLIENT, CLIENT);
  }

  @Test
  void trustedAnXForwardedForTheClientSendsItselfIsNotBelieved() throws Exception {
    assertThat(probeFromClient(trusting, "X-Forwarded-For: 10.1.2.3\r\n"))
        .as("nginx appends the client's address to what it sent")
        .containsExactly(CLIENT, CLIENT);
  }

  @Test
  void untrustedTheAccessAndAuditLogsShowTheProxysAddress() throws Exception {
    assertThat(probeFromClient(untrusting, "X-Forwarded-For: 10.1.2.3\r\n"))
        .containsExactly("127.0.0.1", "127.0.0.1");
  }

  @Test
  void trustedAChunkedUploadAndItsDownloadStreamThroughAsBefore() throws Exception {
    NginxInFront nginx = trusting.nginx();
    byte[] content = Artifacts.content(4 << 20, 11);
    String digest = Digests.sha256(content);
    String auth = basic(USER, PASSWORD);

    HttpResponse<byte[]> opened =
        nginx.send(
            nginx
                .request("/v2/proxied/upload/blobs/uploads/")
                .header("Authorization", auth)
                .POST(BodyPublishers.noBody()));
    assertThat(opened.statusCode()).isEqualTo(202);
    String session = opened.headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> patched =
        nginx.send(
            nginx
                .request(session)
                .header("Authorization", auth)
                .header("Content-Type", "application/octet-stream")
                .method(
                    "PATCH",
                    BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(content))));
    assertThat(patched.statusCode()).isEqualTo(202);
    String next = patched.headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> closed =
        nginx.send(
            nginx
                .request(next + (next.contains("?") ? "&" : "?") + "digest=" + digest)
                .header("Authorization", auth)
                .PUT(BodyPublishers.noBody()));
    assertThat(closed.statusCode()).isEqualTo(201);

    HttpResponse<byte[]> pulled =
        nginx.send(
            nginx
                .request("/v2/proxied/upload/blobs/" + digest)
                .header("Authorization", auth)
                .GET());
    assertThat(pulled.statusCode()).isEqualTo(200);
    assertThat(Digests.sha256(pulled.body())).isEqualTo(digest);
  }

  @Test
  void failedLoginsOfOneForwardedClientDoNotThrottleAnother() throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("throttle-trusted"));
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            dir, basicAuth(dir, Map.of("TRUSTED_PROXIES", "127.0.0.1")))) {
      TestHttp http = new TestHttp(controller.base());

      guessTenTimes(http.withHeader("X-Forwarded-For", "198.51.100.1"));
      Response throttled =
          http.withHeader("X-Forwarded-For", "198.51.100.1")
              .withBasicAuth(USER, "guess")
              .get("/v2/");
      assertThat(throttled.status()).isEqualTo(429);
      assertThat(throttled.header("Retry-After")).isPresent();
      assertThat(
              http.withHeader("X-Forwarded-For", "198.51.100.2")
                  .withBasicAuth(USER, PASSWORD)
                  .get("/v2/")
                  .status())
          .as("another client, the right password")
          .isEqualTo(200);
      assertThat(
              http.withHeader("X-Forwarded-For", "198.51.100.2")
                  .withBasicAuth(USER, "guess")
                  .get("/v2/")
                  .status())
          .as("another client, a wrong password: checked, not throttled")
          .isEqualTo(401);

      guessTenTimes(http.withHeader("X-Forwarded-For", "2001:db8::1"));
      // Wrong passwords from here on: the right one is remembered now, and passes any throttle.
      assertThat(
              http.withHeader("X-Forwarded-For", "2001:db8::2")
                  .withBasicAuth(USER, "guess")
                  .get("/v2/")
                  .status())
          .as("an IPv6 client is throttled by its /64")
          .isEqualTo(429);
      assertThat(
              http.withHeader("X-Forwarded-For", "2001:db8:0:1::1")
                  .withBasicAuth(USER, "guess")
                  .get("/v2/")
                  .status())
          .as("another /64")
          .isEqualTo(401);
    }
  }

  @Test
  void aClientThatIsNotATrustedProxyCannotEscapeItsThrottleWithXForwardedFor() throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("throttle-untrusted"));
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            dir, basicAuth(dir, Map.of("TRUSTED_PROXIES", "192.0.2.1, 10.0.0.0/8")))) {
      TestHttp http = new TestHttp(controller.base());

      guessTenTimes(http.withHeader("X-Forwarded-For", "198.51.100.1"));

      assertThat(
              http.withHeader("X-Forwarded-For", "198.51.100.2")
                  .withBasicAuth(USER, PASSWORD)
                  .get("/v2/")
                  .status())
          .isEqualTo(429);
      assertThat(controller.log()).contains("trusted proxies 192.0.2.1,10.0.0.0/8");
    }
  }

  private static void guessTenTimes(TestHttp client) throws IOException {
    TestHttp guessing = client.withBasicAuth(USER, "guess");
    for (int i = 0; i < 10; i++) {
      assertThat(guessing.get("/v2/").status()).isEqualTo(401);
    }
  }

  /** The registry URL of a new job's {@code task.json}, asked for through nginx. */
  private static String taskRegistryUrl(Site site) throws Exception {
    TestHttp direct = site.direct();
    String repository = "proxied/os-" + PROBES.incrementAndGet();
    new Pusher(direct).image(repository, "1", Artifacts.image(repository));
    direct
        .postJson(
            "/api/v1/recipes",
            """
            {"name": "%s", "task_target": "install-linux.target", "target_disk": "/dev/sda",
             "oci_url": "%s:1", "partitions": [{"mount": "/", "size": "0", "fstype": "ext4"}]}
            """
                .formatted(repository.replace('/', '-'), repository))
        .expect(201);
    String job =
        direct
            .postJson(
                "/api/v1/jobs",
                "{\"recipe\": \"" + repository.replace('/', '-') + "\", \"server\": \"rack1-u1\"}")
            .expect(201)
            .json()
            .path("id")
            .asText();

    HttpResponse<byte[]> task =
        site.nginx()
            .send(
                site.nginx()
                    .request("/media/tasks/" + job + "/task.json")
                    .header("Authorization", basic(USER, PASSWORD))
                    .GET());
    assertThat(task.statusCode()).isEqualTo(200);
    JsonNode registry =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(task.body()).path("registry");
    TestSecrets.record(registry.path("password").asText());
    return registry.path("url").asText();
  }

  /**
   * Sends a request without credentials through nginx from {@link #CLIENT}, with {@code
   * moreHeaders}; the client address its access log line shows, then its audit line's.
   */
  private static List<String> probeFromClient(Site site, String moreHeaders) throws Exception {
    String probe = "probe-" + PROBES.incrementAndGet();
    String path = "/v2/" + probe + "/manifests/1";
    String agent = "trusted-proxies-it/" + probe;
    RawHttp.Response answer =
        fromClient(
            site.nginx(),
            "GET " + path + " HTTP/1.1\r\nUser-Agent: " + agent + "\r\n" + moreHeaders);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(401);

    String accessLine =
        Await.value(
            "the access log line of " + path,
            Duration.ofSeconds(10),
            () -> lines(site.accessLog()).stream().filter(l -> l.contains(agent)).findFirst());
    JsonNode auditLine =
        Await.value(
            "the audit line of " + path,
            Duration.ofSeconds(10),
            () -> {
              try {
                return AuthenticationIT.auditLines(site.auditLog()).stream()
                    .filter(line -> line.path("path").asText().equals(path))
                    .findFirst();
              } catch (Exception e) {
                return Optional.empty();
              }
            });
    assertThat(auditLine.path("action").asText()).isEqualTo("denied");
    return List.of(
        accessLine.substring(0, accessLine.indexOf(' ')), auditLine.path("client").asText());
  }

  /** A request through nginx over TLS from a socket bound to {@link #CLIENT}. */
  private static RawHttp.Response fromClient(NginxInFront nginx, String requestHead)
      throws IOException {
    int port = nginx.base().getPort();
    try (Socket plain = new Socket()) {
      plain.bind(new InetSocketAddress(CLIENT, 0));
      plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      plain.setSoTimeout(20_000);
      try (SSLSocket socket =
          (SSLSocket) nginx.tls().getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
        socket.startHandshake();
        OutputStream out = socket.getOutputStream();
        out.write(
            (requestHead + "Host: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        try (InputStream in = socket.getInputStream()) {
          return RawHttp.parse(in.readAllBytes());
        }
      }
    }
  }

  private static Site site(String name, Map<String, String> more) throws Exception {
    Path dir = Files.createDirectories(workDir.resolve(name));
    Map<String, String> env = new HashMap<>(basicAuth(dir, more));
    env.put("REGISTRY_ENABLE_AUDIT_LOG", "true");
    env.put("ACCESS_LOG_PATH", dir.resolve("access.log").toString());
    JarProcess controller = ControllerJar.startedOnAFreePort(dir, env);
    try {
      return new Site(dir, controller, NginxInFront.start(dir, controller.awaitListening()));
    } catch (Exception | AssertionError e) {
      controller.close();
      throw e;
    }
  }

  private static Map<String, String> basicAuth(Path dir, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("DATA_DIR", dir.resolve("data").toString());
    env.put("REGISTRY_AUTH_MODE", "basic");
    env.put("REGISTRY_BASIC_USER", USER);
    env.put("REGISTRY_BASIC_PASSWORD", PASSWORD);
    return env;
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }
}
