package dev.ociregistry.controller.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.controller.config.AddressBlock;
import dev.ociregistry.testkit.JettyFixture;
import dev.ociregistry.testkit.RawHttp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * Which forwarded headers are believed: only a trusted peer's, the right-most untrusted {@code
 * X-Forwarded-For} entry as the client, every other forwarding header dropped; first as rules, then
 * through a real Jetty whose servlet reports what the request says of itself.
 */
class TrustedProxiesTest {
  private static final TrustedProxies LOOPBACK_AND_TEN =
      proxies("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8");

  @Test
  void theClientIsTheRightMostEntryThatIsNotATrustedProxy() throws Exception {
    assertThat(LOOPBACK_AND_TEN.client(List.of("203.0.113.7"))).contains(ip("203.0.113.7"));
    assertThat(LOOPBACK_AND_TEN.client(List.of("10.1.2.3", "203.0.113.7")))
        .as("what the client sent itself, left of what the proxy appended")
        .contains(ip("203.0.113.7"));
    assertThat(LOOPBACK_AND_TEN.client(List.of("198.51.100.1", "203.0.113.7", "10.0.0.5")))
        .as("behind a second, trusted proxy")
        .contains(ip("203.0.113.7"));
    assertThat(LOOPBACK_AND_TEN.client(List.of("203.0.113.7", "10.0.0.5", "127.0.0.1")))
        .contains(ip("203.0.113.7"));
  }

  @Test
  void whenEveryEntryIsATrustedProxyTheLeftMostIsTheClient() throws Exception {
    assertThat(LOOPBACK_AND_TEN.client(List.of("10.0.0.9", "10.0.0.5"))).contains(ip("10.0.0.9"));
    assertThat(LOOPBACK_AND_TEN.client(List.of("127.0.0.1"))).contains(ip("127.0.0.1"));
    assertThat(LOOPBACK_AND_TEN.client(List.of())).isEmpty();
  }

  @Test
  void anEntryThatIsNotAnAddressEndsTheWalk() throws Exception {
    assertThat(LOOPBACK_AND_TEN.client(List.of("203.0.113.7", "unknown", "10.0.0.5")))
        .as("the last trusted entry before it")
        .contains(ip("10.0.0.5"));
    assertThat(LOOPBACK_AND_TEN.client(List.of("203.0.113.7", "proxy.example.org"))).isEmpty();
    assertThat(LOOPBACK_AND_TEN.client(List.of("203.0.113.7", "localhost")))
        .as("never looked up")
        .isEmpty();
    assertThat(LOOPBACK_AND_TEN.client(List.of("203.0.113.7", ""))).isEmpty();
    assertThat(LOOPBACK_AND_TEN.client(List.of("_hidden"))).isEmpty();
  }

  @Test
  void entriesMayCarryAPortWhichIsDropped() throws Exception {
    assertThat(LOOPBACK_AND_TEN.client(List.of("203.0.113.7:5678"))).contains(ip("203.0.113.7"));
    assertThat(LOOPBACK_AND_TEN.client(List.of("[2001:db8::7]:443"))).contains(ip("2001:db8::7"));
    assertThat(LOOPBACK_AND_TEN.client(List.of("[2001:db8::7]"))).contains(ip("2001:db8::7"));
    for (String bad :
        List.of(
            "203.0.113.7:", "203.0.113.7:http", "[2001:db8::7", "[2001:db8::7]x", "[1.2.3.4]")) {
      assertThat(LOOPBACK_AND_TEN.client(List.of(bad))).as(bad).isEmpty();
    }
  }

  @Test
  void ipv6PeersAndEntriesFollowTheSameRules() throws Exception {
    assertThat(LOOPBACK_AND_TEN.trusts(ip("::1"))).isTrue();
    assertThat(LOOPBACK_AND_TEN.trusts(ip("fd12:3456::1"))).isTrue();
    assertThat(LOOPBACK_AND_TEN.trusts(ip("fe80::1"))).isFalse();
    assertThat(LOOPBACK_AND_TEN.trusts(ip("::ffff:10.9.8.7"))).as("IPv4-mapped").isTrue();
    assertThat(LOOPBACK_AND_TEN.client(List.of("fd00::66", "2001:db8::7", "fd12::1", "::1")))
        .contains(ip("2001:db8::7"));
    assertThat(proxies().trusts(ip("127.0.0.1"))).as("no proxies: nobody").isFalse();
  }

  @Test
  void aTrustedPeersHeadersLoseEveryInjectableForwardingHeader() {
    HttpFields passed =
        LOOPBACK_AND_TEN
            .passedOn(
                HttpFields.build()
                    .add("Accept", "*/*")
                    .add("X-Forwarded-For", "10.1.2.3, 203.0.113.7")
                    .add("x-forwarded-for", "10.0.0.5")
                    .add("Forwarded", "for=198.51.100.9;proto=https;host=evil.example")
                    .add("X-Forwarded-Port", "1")
                    .add("X-Forwarded-Server", "evil.example")
                    .add("X-Proxied-Https", "on")
                    .add("Proxy-ssl-id", "abc")
                    .add("Proxy-auth-cert", "TLS_AES_128_GCM_SHA256")
                    .add("X-Forwarded-Proto", "https")
                    .add("X-Forwarded-Host", "registry.example.org:8443"))
            .orElseThrow();

    assertThat(passed.getFieldNamesCollection())
        .containsExactlyInAnyOrder(
            "Accept", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-For");
    assertThat(passed.getValuesList("X-Forwarded-For"))
        .as("one entry, from both lines in order")
        .containsExactly("203.0.113.7");
    assertThat(passed.get("X-Forwarded-Proto")).isEqualTo("https");
    assertThat(passed.get("X-Forwarded-Host")).isEqualTo("registry.example.org:8443");
  }

  @Test
  void aProtoOrHostWithMoreThanOneValueOrAProtoThatIsNoSchemeIsIgnored() {
    for (HttpFields.Mutable headers :
        List.of(
            HttpFields.build()
                .add("X-Forwarded-Proto", "http, https")
                .add("X-Forwarded-Host", "a.example, b.example"),
            HttpFields.build()
                .add("X-Forwarded-Proto", "http")
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "a.example")
                .add("X-Forwarded-Host", "b.example"),
            HttpFields.build().add("X-Forwarded-Proto", "ftp"))) {
      assertThat(LOOPBACK_AND_TEN.passedOn(headers).orElseThrow().getFieldNamesCollection())
          .as(headers.toString())
          .isEmpty();
    }
    assertThat(
            LOOPBACK_AND_TEN
                .passedOn(HttpFields.build().add("X-Forwarded-Proto", "HTTPS"))
                .orElseThrow()
                .get("X-Forwarded-Proto"))
        .isEqualTo("HTTPS");
  }

  @Test
  void anIpv6ClientIsPassedOnAsJettyWritesAPeersAddress() {
    assertThat(
            LOOPBACK_AND_TEN
                .passedOn(HttpFields.build().add("X-Forwarded-For", "2001:db8::7, ::1"))
                .orElseThrow()
                .get("X-Forwarded-For"))
        .isEqualTo("[2001:db8:0:0:0:0:0:7]");
  }

  @Test
  void headersWithoutForwardingAreNotTouched() {
    assertThat(LOOPBACK_AND_TEN.passedOn(HttpFields.build().add("Accept", "*/*"))).isEmpty();
  }

  @Test
  void aTrustedProxyMakesTheRequestFollowItsHeaders() throws Exception {
    try (JettyFixture server = server(proxies("127.0.0.1"))) {
      Map<String, String> seen =
          ask(
              server,
              "X-Forwarded-For: 10.1.2.3, 203.0.113.7\r\n"
                  + "X-Forwarded-Proto: https\r\n"
                  + "X-Forwarded-Host: registry.example.org:8443\r\n");

      assertThat(seen)
          .containsEntry("remote", "203.0.113.7")
          .containsEntry("scheme", "https")
          .containsEntry("secure", "true")
          .containsEntry("server", "registry.example.org:8443")
          .containsEntry("host", "registry.example.org:8443")
          .containsEntry("url", "https://registry.example.org:8443/echo");
    }
  }

  @Test
  void aForwardedHostWithoutAPortMeansTheSchemesDefaultPort() throws Exception {
    try (JettyFixture server = server(proxies("127.0.0.1"))) {
      Map<String, String> seen =
          ask(server, "X-Forwarded-Proto: https\r\nX-Forwarded-Host: registry.example.org\r\n");

      assertThat(seen)
          .containsEntry("server", "registry.example.org:443")
          .containsEntry("host", "registry.example.org")
          .containsEntry("url", "https://registry.example.org/echo");
    }
  }

  @Test
  void aForwardedIpv6ClientReadsAsADirectIpv6PeerDoes() throws Exception {
    try (JettyFixture server = server(proxies("127.0.0.1"))) {
      assertThat(ask(server, "X-Forwarded-For: 2001:db8::7\r\n"))
          .containsEntry("remote", "[2001:db8:0:0:0:0:0:7]");
    }
  }

  @Test
  void injectedForwardingHeadersFromATrustedPeerChangeNothing() throws Exception {
    try (JettyFixture server = server(proxies("127.0.0.1"))) {
      Map<String, String> seen =
          ask(
              server,
              "Forwarded: for=198.51.100.9;proto=https;host=evil.example\r\n"
                  + "X-Forwarded-Port: 1\r\n"
                  + "X-Forwarded-Server: evil.example\r\n"
                  + "X-Proxied-Https: on\r\n"
                  + "Proxy-ssl-id: abc\r\n"
                  + "Proxy-auth-cert: TLS_AES_128_GCM_SHA256\r\n");

      assertThat(seen)
          .containsEntry("remote", "127.0.0.1")
          .containsEntry("scheme", "http")
          .containsEntry("secure", "false")
          .containsEntry("server", "127.0.0.1:" + server.base().getPort())
          .containsEntry("forwarded-headers", "");
    }
  }

  @Test
  void anUntrustedPeersForwardedHeadersChangeNothing() throws Exception {
    try (JettyFixture server = server(proxies("10.0.0.0/8", "::1"))) {
      Map<String, String> seen =
          ask(
              server,
              "X-Forwarded-For: 203.0.113.7\r\n"
                  + "X-Forwarded-Proto: https\r\n"
                  + "X-Forwarded-Host: registry.example.org:8443\r\n"
                  + "Forwarded: for=198.51.100.9;proto=https\r\n");

      assertThat(seen)
          .containsEntry("remote", "127.0.0.1")
          .containsEntry("scheme", "http")
          .containsEntry("secure", "false")
          .containsEntry("server", "127.0.0.1:" + server.base().getPort())
          .containsEntry("host", "127.0.0.1:" + server.base().getPort());
    }
  }

  /** Why the reduction is needed: Jetty 12's customizer alone believes the left-most entry. */
  @Test
  void jettysCustomizerAloneTakesTheLeftMostEntryWhichTheClientWrote() throws Exception {
    try (JettyFixture server = server(new ForwardedRequestCustomizer())) {
      assertThat(ask(server, "X-Forwarded-For: 10.1.2.3, 203.0.113.7\r\n"))
          .containsEntry("remote", "10.1.2.3");
    }
  }

  private static JettyFixture server(HttpConfiguration.Customizer customizer) throws Exception {
    return JettyFixture.start(
        context ->
            context.addServlet(
                new org.eclipse.jetty.ee10.servlet.ServletHolder(new Echo()), "/echo"),
        jetty ->
            jetty
                .getConnectors()[0]
                .getConnectionFactory(HttpConnectionFactory.class)
                .getHttpConfiguration()
                .addCustomizer(customizer));
  }

  private static Map<String, String> ask(JettyFixture server, String headers) throws IOException {
    RawHttp.Response response =
        RawHttp.exchange(server.base(), "GET /echo HTTP/1.1\r\n" + headers, new byte[0]);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    Map<String, String> seen = new LinkedHashMap<>();
    for (String line : new String(response.content(), StandardCharsets.UTF_8).split("\n")) {
      int equals = line.indexOf('=');
      seen.put(line.substring(0, equals), line.substring(equals + 1));
    }
    return seen;
  }

  private static TrustedProxies proxies(String... blocks) {
    return new TrustedProxies(List.of(blocks).stream().map(AddressBlock::parse).toList());
  }

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  /** Reports what the request says of itself, one {@code key=value} a line. */
  private static final class Echo extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      List<String> forwarding =
          Collections.list(request.getHeaderNames()).stream()
              .filter(
                  name ->
                      TrustedProxies.DROPPED.stream().anyMatch(name::equalsIgnoreCase)
                          || name.toLowerCase(java.util.Locale.ROOT).startsWith("x-forwarded"))
              .toList();
      String text =
          String.join(
              "\n",
              "remote=" + request.getRemoteAddr(),
              "scheme=" + request.getScheme(),
              "secure=" + request.isSecure(),
              "server=" + request.getServerName() + ":" + request.getServerPort(),
              "host=" + Optional.ofNullable(request.getHeader("Host")).orElse(""),
              "url=" + request.getRequestURL(),
              "forwarded-headers=" + String.join(",", forwarding));
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      response.setContentType("text/plain");
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }
  }
}
