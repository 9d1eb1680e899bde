package dev.ociregistry.controller.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.controller.config.AddressBlock;
import dev.ociregistry.controller.http.TrustedProxies;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * A proxy that speaks HTTPS to a controller serving TLS itself: {@link TrustedProxies} comes after
 * the connector's {@code SecureRequestCustomizer}, as {@code ServerAssembly} adds it, and the
 * request stays secure and {@code https} while its client and host follow the trusted headers.
 */
class TrustedProxiesOverTlsTest {
  @Test
  void aTrustedProxyInFrontOfTlsGivesTheClientAndHostAndTheRequestStaysHttps() throws Exception {
    TestPki pki = TestPki.shared();
    TestPki.Leaf leaf = pki.rsa("registry-proxied");
    try (TlsServer server =
        TlsServer.start(
            TlsSettings.pem(leaf.chain(), leaf.key()),
            context -> context.addServlet(new ServletHolder(new Echo()), "/*"))) {
      server
          .httpsConnector()
          .getConnectionFactory(HttpConnectionFactory.class)
          .getHttpConfiguration()
          .addCustomizer(new TrustedProxies(List.of(AddressBlock.parse("127.0.0.1"))));
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(TlsClient.trusting(pki.caCertificate()))
              .version(HttpClient.Version.HTTP_1_1)
              .build();

      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(server.httpsBase().resolve("/v2/"))
                  .header("X-Forwarded-For", "10.1.2.3, 203.0.113.7")
                  .header("X-Forwarded-Host", "registry.example.org")
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(answer.body())
          .isEqualTo(
              "remote=203.0.113.7 scheme=https secure=true url=https://registry.example.org/v2/");
    }
  }

  private static final class Echo extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response
          .getWriter()
          .print(
              "remote="
                  + request.getRemoteAddr()
                  + " scheme="
                  + request.getScheme()
                  + " secure="
                  + request.isSecure()
                  + " url="
                  + request.getRequestURL());
    }
  }
}
