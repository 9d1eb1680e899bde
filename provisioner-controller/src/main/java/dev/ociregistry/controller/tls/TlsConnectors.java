package dev.ociregistry.controller.tls;

import dev.ociregistry.controller.config.ConfigException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty connector that serves HTTPS (HTTP/1.1 over TLS, Jetty's {@link
 * SslContextFactory.Server} with its default protocols and cipher suites) from {@link TlsSettings},
 * with a {@link TlsReloader} that serves new files when they change.
 */
public final class TlsConnectors {
  private static final Logger LOG = LoggerFactory.getLogger(TlsConnectors.class);

  private TlsConnectors() {}

  /**
   * A connector for {@code server} on {@code host:port} (port 0 for any) serving HTTPS from the
   * files {@code settings} names, read and checked now; the caller adds it to the server. Its
   * {@link TlsReloader} is a bean of the connector ({@code connector.getBean(TlsReloader.class)})
   * and starts and stops with it.
   *
   * <p>Requests are not refused when their {@code Host} is not a name of the certificate (Jetty's
   * SNI host check is off): checking the name is the client's part, and a registry reached by an
   * address its certificate does not name, with verification turned off, should still answer.
   *
   * @throws ConfigException when the files cannot be served, naming the variable and what it
   *     accepts
   */
  public static ServerConnector https(Server server, HttpConfiguration http, TlsSettings settings)
      throws ConfigException {
    TlsFiles.Snapshot snapshot = TlsFiles.read(settings.source());
    KeyMaterial material = TlsFiles.parse(settings.source(), snapshot);
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(material.keyStore());
    ssl.setKeyStorePassword(material.password());
    http.addCustomizer(new SecureRequestCustomizer(false));
    ServerConnector connector =
        new ServerConnector(
            server,
            new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
            new HttpConnectionFactory(http));
    connector.addManaged(new TlsReloader(settings, ssl, material, snapshot.fingerprint()));
    LOG.info("TLS: serving {} from {}", material.describe(), settings.source().describe());
    TlsReloader.warnAboutValidity(material);
    return connector;
  }
}
