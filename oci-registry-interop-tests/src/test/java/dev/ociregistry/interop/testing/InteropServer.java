package dev.ociregistry.interop.testing;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.OciRegistryServlet;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Our registry, embedded the way a host application embeds it, on a real Jetty listening on
 * 127.0.0.1 and a random port, with its storage root in a directory the test owns.
 */
public final class InteropServer implements AutoCloseable {
  private final Server server;
  private final OciRegistry registry;
  private final Path root;
  private final URI base;
  private final List<String> requests;

  private InteropServer(
      Server server, OciRegistry registry, Path root, URI base, List<String> requests) {
    this.server = server;
    this.registry = registry;
    this.root = root;
    this.base = base;
    this.requests = requests;
  }

  /** Opens (creating) the registry stored in {@code root} and serves it at {@code /v2/*}. */
  public static InteropServer start(Path root) throws Exception {
    OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults());
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new OciRegistryServlet(registry)), "/v2/*");
    server.setHandler(context);
    List<String> requests = new CopyOnWriteArrayList<>();
    server.setRequestLog(
        (request, response) ->
            requests.add(
                request.getMethod()
                    + " "
                    + request.getHttpURI().getPathQuery()
                    + " "
                    + response.getStatus()));
    try {
      server.start();
    } catch (Exception e) {
      registry.close();
      throw e;
    }
    URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    return new InteropServer(server, registry, root, base, requests);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI base() {
    return base;
  }

  /** {@code 127.0.0.1:<port>}, as clients name a registry. */
  public String hostPort() {
    return base.getHost() + ":" + base.getPort();
  }

  /** {@code 127.0.0.1:<port>/<repositoryAndReference>}, an image reference for clients. */
  public String image(String repositoryAndReference) {
    return hostPort() + "/" + repositoryAndReference;
  }

  /** The storage root: at the same time an OCI Image Layout. */
  public Path root() {
    return root;
  }

  public OciRegistry registry() {
    return registry;
  }

  /**
   * Every request served so far, as {@code METHOD /path?query STATUS}, from Jetty's request log:
   * what a client really sent, for assertions and their messages.
   */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /**
   * Waits (a few seconds at most) until {@code request} appears in {@link #requests()}: Jetty logs
   * a request when it completes, which may be just after the client has its answer.
   */
  public void awaitRequest(String request) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!requests.contains(request)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no request " + request + " among:\n" + String.join("\n", requests));
      }
      Thread.sleep(20);
    }
  }

  /** A plain HTTP client for this server, to check what the clients did. */
  public RegistryHttp http() {
    return new RegistryHttp(base);
  }

  @Override
  public void close() throws IOException {
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping Jetty", e);
    } catch (Exception e) {
      throw new IOException("Jetty did not stop", e);
    } finally {
      registry.close();
    }
  }
}
