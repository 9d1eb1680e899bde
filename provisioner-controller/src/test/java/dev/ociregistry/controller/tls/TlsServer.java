package dev.ociregistry.controller.tls;

import dev.ociregistry.controller.config.ConfigException;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.JettyFixture;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The kit's {@link JettyFixture} (plain HTTP on 127.0.0.1, port 0) with an HTTPS connector from
 * {@link TlsConnectors#https} beside it, also on 127.0.0.1 and a port of its own.
 */
final class TlsServer implements AutoCloseable {
  private final JettyFixture fixture;
  private final ServerConnector https;

  private TlsServer(JettyFixture fixture, ServerConnector https) {
    this.fixture = fixture;
    this.https = https;
  }

  /** A server whose every path answers 200 {@code hello} (and whether the request was secure). */
  static TlsServer hello(TlsSettings settings) throws Exception {
    return start(
        settings, context -> context.addServlet(new ServletHolder(new HelloServlet()), "/*"));
  }

  static TlsServer start(TlsSettings settings, Consumer<ServletContextHandler> mount)
      throws Exception {
    AtomicReference<ServerConnector> https = new AtomicReference<>();
    JettyFixture fixture =
        JettyFixture.start(
            mount,
            server -> {
              try {
                ServerConnector connector =
                    TlsConnectors.https(server, new HttpConfiguration(), settings);
                connector.setHost("127.0.0.1");
                https.set(connector);
              } catch (ConfigException e) {
                throw new IllegalStateException(e.getMessage(), e);
              }
              server.addConnector(https.get());
            });
    return new TlsServer(fixture, https.get());
  }

  /** The HTTPS connector, whose HTTP configuration a test may add customizers to. */
  ServerConnector httpsConnector() {
    return https;
  }

  int httpsPort() {
    return https.getLocalPort();
  }

  URI httpsBase() {
    return URI.create("https://127.0.0.1:" + httpsPort());
  }

  String httpsHostPort() {
    return "127.0.0.1:" + httpsPort();
  }

  TlsReloader reloader() {
    return https.getBean(TlsReloader.class);
  }

  /** Waits until the reloader serves a certificate whose subject is {@code CN=<commonName>}. */
  void awaitServing(String commonName) {
    Await.until(
        "the certificate of " + commonName + " to be served",
        () ->
            reloader()
                .certificates()
                .get(0)
                .getSubjectX500Principal()
                .getName()
                .equals("CN=" + commonName));
  }

  ServerConnector connector() {
    return https;
  }

  JettyFixture fixture() {
    return fixture;
  }

  @Override
  public void close() {
    fixture.close();
  }

  /** 200 {@code hello secure=<request.isSecure()> scheme=<scheme>}. */
  static final class HelloServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain");
      response
          .getWriter()
          .print("hello secure=" + request.isSecure() + " scheme=" + request.getScheme());
    }
  }
}
