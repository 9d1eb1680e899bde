package dev.ociregistry.controller.http;

import dev.ociregistry.controller.config.AddressBlock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Assembles the controller's Jetty server in one place: a connector, a bounded thread pool, and the
 * handlers that keep slow or stalled clients from holding the server. A connection that sends or
 * reads nothing for {@link #IDLE_TIMEOUT} is closed, and a request whose body arrives, or whose
 * answer is read, slower than {@link #MIN_DATA_RATE} on average fails (408 while the body is read):
 * a client that trickles a byte now and then no longer defeats the idle timeout. Every error Jetty
 * answers itself is JSON ({@link JsonErrorHandler}). The forwarded headers of trusted reverse
 * proxies are believed on both listeners alike ({@link TrustedProxies}); with none listed, on
 * neither.
 */
public final class ServerAssembly {
  /** How long a connection may send and read nothing before it is closed. */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The slowest average rate, in bytes per second, at which a request body may arrive and a
   * response be read: far below any working network, far above a client that only keeps a
   * connection open.
   */
  public static final long MIN_DATA_RATE = 1024;

  /** Request threads: enough for the upload cap and its queue with room for everyone else. */
  static final int MAX_THREADS = 200;

  /** How long requests in flight may take to finish when the server stops. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  /** Makes the server's one connector, given the HTTP settings every connector shares. */
  public interface Connectors {
    ServerConnector create(Server server, HttpConfiguration http) throws Exception;
  }

  private static final String MAIN = "main";
  private static final String SIDE = "side";

  private ServerAssembly() {}

  /** Plain HTTP. */
  public static Connectors plain() {
    return (server, http) -> new ServerConnector(server, new HttpConnectionFactory(http));
  }

  /** A second, plain HTTP listener that serves a context of its own (the metrics port). */
  public record SideListener(InetSocketAddress address, ServletContextHandler context) {}

  /**
   * A server that listens on {@code listen} through the connector {@code connectors} makes, and
   * serves {@code context}, stopping gracefully within {@link #STOP_TIMEOUT}. Every request, on
   * either listener and malformed ones too, goes to {@code requestLog} and is told to {@code
   * observers} when it completes. A request from one of {@code trustedProxies} follows its
   * forwarded headers ({@link TrustedProxies}); with an empty list, no request does.
   */
  public static Server assemble(
      InetSocketAddress listen,
      Connectors connectors,
      ServletContextHandler context,
      RequestLog requestLog,
      List<Consumer<FinishedRequests.Finished>> observers,
      Optional<SideListener> side,
      List<AddressBlock> trustedProxies)
      throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS);
    threads.setName("http");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = connectors.create(server, http);
    if (!trustedProxies.isEmpty()) {
      // After the connector's own customizers (TLS's), so that a forwarded scheme has the last
      // word; the side listener shares this configuration.
      http.addCustomizer(new TrustedProxies(trustedProxies));
    }
    connector.setHost(listen.getHostString());
    connector.setPort(listen.getPort());
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    context.setErrorHandler(new JsonErrorHandler());
    server.setErrorHandler(new JsonErrorHandler());
    Handler contexts = context;
    if (side.isPresent()) {
      ServerConnector sideConnector = new ServerConnector(server, new HttpConnectionFactory(http));
      sideConnector.setHost(side.get().address().getHostString());
      sideConnector.setPort(side.get().address().getPort());
      sideConnector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
      sideConnector.setName(SIDE);
      connector.setName(MAIN);
      server.addConnector(sideConnector);
      context.setVirtualHosts(List.of("@" + MAIN));
      side.get().context().setVirtualHosts(List.of("@" + SIDE));
      side.get().context().setErrorHandler(new JsonErrorHandler());
      contexts = new ContextHandlerCollection(context, side.get().context());
    }
    GracefulHandler graceful = new GracefulHandler();
    graceful.setHandler(new MinimumDataRate(contexts, MIN_DATA_RATE));
    server.setHandler(graceful);
    // The collection is no life cycle of its own: the access log (and its file writer) is started
    // and stopped as a bean of the server.
    server.addBean(requestLog);
    server.setRequestLog(new RequestLog.Collection(requestLog, new FinishedRequests(observers)));
    server.setStopTimeout(STOP_TIMEOUT.toMillis());
    return server;
  }
}
