package dev.ociregistry.controller.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.controller.config.ConfigException;
import dev.ociregistry.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS through a real Jetty on 127.0.0.1: served from a PEM pair (RSA and EC) and from PKCS12 key
 * stores, to a JDK client that trusts only the test CA; refused by a client that trusts nothing of
 * ours; a reloader that stops with the server.
 */
class TlsConnectorsTest {
  static TestPki pki;
  static TestPki.Leaf a;
  static TestPki.Leaf ec;

  @TempDir Path work;

  @BeforeAll
  static void certificates() throws Exception {
    pki = TestPki.shared();
    a = pki.rsa("registry-a");
    ec = pki.ec("registry-ec");
  }

  @Test
  void pemPairServesHttpsToAClientTrustingTheCa() throws Exception {
    try (TlsServer server = TlsServer.hello(TlsSettings.pem(a.chain(), a.key()))) {
      HttpResponse<String> response = get(TlsClient.trusting(pki.caCertificate()), server);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello secure=true scheme=https");
      assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0])
          .isEqualTo(TestPki.certificate(a.certificate()));
      assertThat(response.sslSession().orElseThrow().getPeerCertificates()).hasSize(2);
    }
  }

  @Test
  void ecPemPairServesHttps() throws Exception {
    try (TlsServer server = TlsServer.hello(TlsSettings.pem(ec.chain(), ec.key()))) {
      TlsClient.Answer answer =
          TlsClient.get(TlsClient.trusting(pki.caCertificate()), server.httpsPort());

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.commonName()).isEqualTo("CN=registry-ec");
    }
  }

  @Test
  void pkcs12KeystoreServesHttpsToAClientTrustingTheCa() throws Exception {
    try (TlsServer server = TlsServer.hello(TlsSettings.pkcs12(a.pkcs12(), pki.passwordFile()))) {
      HttpResponse<String> response = get(TlsClient.trusting(pki.caCertificate()), server);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello secure=true scheme=https");
    }
  }

  @Test
  void keytoolKeystoreServesHttpsToAClientTrustingItsCertificate() throws Exception {
    TlsSettings settings = TlsSettings.pkcs12(a.selfSigned(), pki.passwordFile());
    try (TlsServer server = TlsServer.hello(settings)) {
      SSLContext trustingIt = TlsClient.trusting(server.reloader().certificates());

      assertThat(get(trustingIt, server).statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> get(TlsClient.trusting(pki.caCertificate()), server))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void clientTrustingOnlyItsDefaultAuthoritiesFailsTheHandshake() throws Exception {
    try (TlsServer server = TlsServer.hello(TlsSettings.pem(a.chain(), a.key()))) {
      assertThatThrownBy(() -> get(SSLContext.getDefault(), server))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void plainHttpBesideItIsUnchanged() throws Exception {
    try (TlsServer server = TlsServer.hello(TlsSettings.pem(a.chain(), a.key()))) {
      assertThat(server.fixture().http().get("/").expect(200).text())
          .isEqualTo("hello secure=false scheme=http");
    }
  }

  @Test
  void requestNamingAHostTheCertificateDoesNotNameIsServed() throws Exception {
    try (TlsServer server = TlsServer.hello(TlsSettings.pem(a.chain(), a.key()))) {
      TlsClient.Answer answer =
          TlsClient.get(
              TlsClient.trusting(pki.caCertificate()),
              server.httpsPort(),
              "registry.elsewhere.example",
              "/");

      assertThat(answer.status()).isEqualTo(200);
    }
  }

  @Test
  void connectorSpeaksTlsThenHttp11() throws Exception {
    var connector =
        TlsConnectors.https(
            new Server(), new HttpConfiguration(), TlsSettings.pem(a.chain(), a.key()));

    assertThat(connector.getProtocols()).containsExactly("ssl", "http/1.1");
  }

  @Test
  void filesThatCannotBeServedAreRefusedWhenTheConnectorIsBuilt() {
    TlsSettings settings = TlsSettings.pem(a.chain(), work.resolve("gone.key"));

    assertThatThrownBy(() -> TlsConnectors.https(new Server(), new HttpConfiguration(), settings))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TLS_KEY_FILE=" + work.resolve("gone.key") + " does not exist");
  }

  @Test
  void expiredCertificateIsServedWithAWarning() throws Exception {
    TlsSettings settings = TlsSettings.pkcs12(pki.expiredSelfSigned(), pki.passwordFile());
    try (LogCapture log = LogCapture.start();
        TlsServer server = TlsServer.hello(settings)) {
      assertThat(log.lines("WARN"))
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("TLS: the certificate CN=expired expired at")
                      .contains("clients will refuse it"));
      assertThat(log.lines("INFO"))
          .anySatisfy(line -> assertThat(line).contains("TLS: serving CN=expired (serial "));
      assertThat(server.reloader().certificates()).hasSize(1);
    }
  }

  @Test
  void reloaderStopsWithTheServer() throws Exception {
    TlsServer server = TlsServer.hello(TlsSettings.pem(a.chain(), a.key()));
    TlsReloader reloader = server.reloader();
    assertThat(reloader.isRunning()).isTrue();
    assertThat(reloaderThreads()).isPositive();

    server.close();

    assertThat(reloader.isStopped()).isTrue();
    Await.until("the tls-reload threads to end", () -> reloaderThreads() == 0);
  }

  private static long reloaderThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("tls-reload") && t.isAlive())
        .count();
  }

  private static HttpResponse<String> get(SSLContext context, TlsServer server) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(context)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    return client.send(
        HttpRequest.newBuilder(URI.create(server.httpsBase() + "/hello"))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
