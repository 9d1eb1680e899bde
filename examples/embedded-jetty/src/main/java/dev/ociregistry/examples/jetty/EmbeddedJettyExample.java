package dev.ociregistry.examples.jetty;

import dev.ociregistry.core.Maintenance;
import dev.ociregistry.core.MaintenanceOptions;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.OciRegistryServlet;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * An application that embeds an OCI registry in Jetty 12: one directory, one servlet at {@code
 * /v2/*}, housekeeping on a thread of the registry's own, and a shutdown hook that stops it all.
 *
 * <pre>{@code
 * mvn -f examples/embedded-jetty compile exec:java -Dexec.args="/tmp/registry 5000"
 * oras push --plain-http localhost:5000/demo/hello:1 hello.txt
 * }</pre>
 */
public final class EmbeddedJettyExample {
  /** How long requests in flight get to finish when the application stops. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final OciRegistry registry;
  private final Maintenance maintenance;
  private final Server server;

  private EmbeddedJettyExample(OciRegistry registry, Maintenance maintenance, Server server) {
    this.registry = registry;
    this.maintenance = maintenance;
    this.server = server;
  }

  /** Arguments: the storage directory ({@code registry-data}) and the port (5000). */
  public static void main(String[] args) throws Exception {
    Path storage = Path.of(args.length > 0 ? args[0] : "registry-data");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    EmbeddedJettyExample example = start(storage, port);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  int status = 0;
                  try {
                    example.stop();
                  } catch (Exception e) {
                    System.err.println("the registry did not stop cleanly: " + e);
                    status = 1;
                  }
                  // A stop that SIGTERM asked for is a clean exit (0), not the JVM's 143.
                  Runtime.getRuntime().halt(status);
                },
                "shutdown"));
    System.out.println("registry at " + example.uri());
    example.server.join();
  }

  /**
   * Opens the registry in {@code storage}, starts its maintenance and serves it at {@code /v2} on
   * {@code port} (0: any free port).
   */
  public static EmbeddedJettyExample start(Path storage, int port) throws Exception {
    OciRegistry registry = OciRegistry.open(storage, RegistryOptions.defaults());
    // Garbage collection, retention and upload expiry: the embedder's job, and this its one line.
    Maintenance maintenance = registry.startMaintenance(MaintenanceOptions.defaults());

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder registryServlet = new ServletHolder(new OciRegistryServlet(registry));
    // Asynchronous, so that clients that send or read slowly hold no request thread.
    registryServlet.setAsyncSupported(true);
    context.addServlet(registryServlet, "/v2/*");

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(port);
    server.addConnector(connector);
    // On stop, requests in flight get STOP_TIMEOUT to finish while new connections are refused.
    server.setHandler(new GracefulHandler(context));
    server.setStopTimeout(STOP_TIMEOUT.toMillis());
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      registry.close();
      throw e;
    }
    return new EmbeddedJettyExample(registry, maintenance, server);
  }

  /** Where the API is served: {@code http://localhost:<port>/v2/}. */
  public URI uri() {
    return URI.create(
        "http://localhost:"
            + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
            + "/v2/");
  }

  public Maintenance maintenance() {
    return maintenance;
  }

  /**
   * What the shutdown hook runs: stops Jetty gracefully, then closes the registry (which stops its
   * maintenance). An upload cut off here stays on disk and resumes after the next start.
   */
  public void stop() throws Exception {
    try {
      server.stop();
    } finally {
      registry.close();
    }
  }
}
