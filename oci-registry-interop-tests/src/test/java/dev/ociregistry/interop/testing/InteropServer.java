package dev.ociregistry.interop.testing;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.OciRegistryServlet;
import dev.ociregistry.servlet.RegistryAuthorizer;
import dev.ociregistry.servlet.RegistryListener;
import dev.ociregistry.servlet.ServletOptions;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.JettyFixture;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * Our registry, embedded the way a host application embeds it, on the kit's {@link JettyFixture} (a
 * real Jetty on 127.0.0.1 and a random port), with its storage root in a directory the test owns.
 */
public final class InteropServer implements AutoCloseable {
  private final JettyFixture jetty;
  private final OciRegistry registry;
  private final Path root;
  private final List<String> requests;
  private final TestHttp http;
  private final RegistryReads reads;

  private InteropServer(
      JettyFixture jetty, OciRegistry registry, Path root, List<String> requests) {
    this.jetty = jetty;
    this.registry = registry;
    this.root = root;
    this.requests = requests;
    this.http = jetty.http();
    this.reads = new RegistryReads(http);
  }

  /** Opens (creating) the registry stored in {@code root} and serves it at {@code /v2/*}. */
  public static InteropServer start(Path root) throws Exception {
    return start(root, RegistryAuthorizer.allowAll());
  }

  /** As {@link #start(Path)}, with requests allowed or refused by {@code authorizer}. */
  public static InteropServer start(Path root, RegistryAuthorizer authorizer) throws Exception {
    OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults());
    OciRegistryServlet servlet =
        new OciRegistryServlet(
            registry, ServletOptions.defaults(), authorizer, RegistryListener.none());
    List<String> requests = new CopyOnWriteArrayList<>();
    try {
      JettyFixture jetty =
          JettyFixture.start(
              context -> {
                ServletHolder holder = new ServletHolder(servlet);
                holder.setAsyncSupported(true);
                context.addServlet(holder, "/v2/*");
              },
              server ->
                  server.setRequestLog(
                      (request, response) ->
                          requests.add(
                              request.getMethod()
                                  + " "
                                  + request.getHttpURI().getPathQuery()
                                  + " "
                                  + response.getStatus())));
      return new InteropServer(jetty, registry, root, requests);
    } catch (Exception e) {
      registry.close();
      throw e;
    }
  }

  /** {@code 127.0.0.1:<port>}, as clients name a registry. */
  public String hostPort() {
    return jetty.hostPort();
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
  public void awaitRequest(String request) {
    try {
      Await.until(request, Duration.ofSeconds(5), () -> requests.contains(request));
    } catch (AssertionError e) {
      throw new AssertionError(
          "no request " + request + " among:\n" + String.join("\n", requests), e);
    }
  }

  /** The kit's HTTP client for this server. */
  public TestHttp http() {
    return http;
  }

  /** Reads of what this server serves, to check what the clients did. */
  public RegistryReads reads() {
    return reads;
  }

  @Override
  public void close() throws IOException {
    try {
      jetty.close();
    } finally {
      registry.close();
    }
  }
}
