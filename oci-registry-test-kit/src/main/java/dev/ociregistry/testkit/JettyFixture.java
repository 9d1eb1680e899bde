package dev.ociregistry.testkit;

import java.net.URI;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty in this process on 127.0.0.1 and a random port, holding whatever servlets a test
 * mounts on its root context. Fixtures of a module (a registry server, the provisioning API) are
 * this plus what they own.
 */
public final class JettyFixture implements AutoCloseable {
  private final Server server;
  private final URI base;

  private JettyFixture(Server server, URI base) {
    this.server = server;
    this.base = base;
  }

  /** Starts a server whose root context {@code mount} fills with servlets and filters. */
  public static JettyFixture start(Consumer<ServletContextHandler> mount) throws Exception {
    return start(mount, server -> {});
  }

  /**
   * Starts a server as {@link #start(Consumer)}, after {@code configure} has set what a test needs
   * of the server itself (timeouts, an error handler).
   */
  public static JettyFixture start(
      Consumer<ServletContextHandler> mount, Consumer<Server> configure) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    mount.accept(context);
    server.setHandler(context);
    configure.accept(server);
    server.start();
    return new JettyFixture(server, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI base() {
    return base;
  }

  /** {@code 127.0.0.1:<port>}, as clients name a registry. */
  public String hostPort() {
    return base.getHost() + ":" + base.getPort();
  }

  /** A client for this server. */
  public TestHttp http() {
    return new TestHttp(base);
  }

  public Server server() {
    return server;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the server", e);
    } catch (Exception e) {
      throw new IllegalStateException("the server did not stop", e);
    }
  }
}
