package dev.ociregistry.servlet.testing;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.OciRegistryServlet;
import dev.ociregistry.servlet.RegistryAuthorizer;
import dev.ociregistry.servlet.RegistryListener;
import dev.ociregistry.servlet.ServletOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty on 127.0.0.1 and a random port, serving a registry stored in a directory. */
public final class RegistryServer implements AutoCloseable {
  private final Server server;
  private final OciRegistry registry;
  private final URI base;

  private RegistryServer(Server server, OciRegistry registry, URI base) {
    this.server = server;
    this.registry = registry;
    this.base = base;
  }

  public static RegistryServer start(Path root) throws Exception {
    return start(root, RegistryOptions.defaults(), ServletOptions.defaults());
  }

  public static RegistryServer start(
      Path root, RegistryOptions registryOptions, ServletOptions servletOptions) throws Exception {
    return start(root, registryOptions, servletOptions, RegistryListener.none());
  }

  public static RegistryServer start(
      Path root,
      RegistryOptions registryOptions,
      ServletOptions servletOptions,
      RegistryListener listener)
      throws Exception {
    OciRegistry registry = OciRegistry.open(root, registryOptions);
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(
        new ServletHolder(
            new OciRegistryServlet(
                registry, servletOptions, RegistryAuthorizer.allowAll(), listener)),
        "/v2/*");
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      registry.close();
      throw e;
    }
    URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    return new RegistryServer(server, registry, base);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI base() {
    return base;
  }

  /** {@code 127.0.0.1:<port>}, as clients name a registry. */
  public String hostPort() {
    return base.getHost() + ":" + base.getPort();
  }

  public URI uri(String path) {
    return base.resolve(path);
  }

  public OciRegistry registry() {
    return registry;
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      try {
        registry.close();
      } catch (IOException e) {
        // the test is over; the root lock goes with the process
      }
    }
  }
}
