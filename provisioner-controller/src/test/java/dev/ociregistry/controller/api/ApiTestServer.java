package dev.ociregistry.controller.api;

import dev.ociregistry.controller.credentials.JobTokens;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.OciRegistryServlet;
import dev.ociregistry.testkit.JettyFixture;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The kit's {@link JettyFixture} holding {@code /api/v1/*}, {@code /media/tasks/*} and, with the
 * registry enabled, {@code /v2/*}, as the controller mounts them.
 */
final class ApiTestServer implements AutoCloseable {
  /** Where the kit's fixture listens. */
  static final String LOOPBACK = "127.0.0.1";

  private final Optional<OciRegistry> registry;
  private final JettyFixture jetty;

  private ApiTestServer(Optional<OciRegistry> registry, JettyFixture jetty) {
    this.registry = registry;
    this.jetty = jetty;
  }

  /**
   * A server with the registry at {@code root/registry} and the API at {@code root/provisioning}.
   */
  static ApiTestServer start(Path root) throws Exception {
    return start(root, true, List.of());
  }

  /**
   * A server listening on 127.0.0.1, as the kit's fixture does, with the registry or without, and
   * {@code publicHosts} as REGISTRY_PUBLIC_HOSTS.
   */
  static ApiTestServer start(Path root, boolean withRegistry, List<String> publicHosts)
      throws Exception {
    return start(root, withRegistry, publicHosts, LOOPBACK);
  }

  /**
   * A server listening on {@code listenHost} (the kit's client still sends to 127.0.0.1, which a
   * wildcard address takes too), told so as the controller tells it.
   */
  static ApiTestServer start(
      Path root, boolean withRegistry, List<String> publicHosts, String listenHost)
      throws Exception {
    return start(
        root,
        withRegistry,
        listenHost,
        0,
        RegistryAddresses.of(listenHost, publicHosts),
        Optional.empty());
  }

  /** A server with the registry on 127.0.0.1 and {@code port}, as a restart on the same port. */
  static ApiTestServer startOnPort(Path root, int port) throws Exception {
    return start(
        root, true, LOOPBACK, port, RegistryAddresses.of(LOOPBACK, List.of()), Optional.empty());
  }

  /**
   * A server with the registry, listening on {@code listenHost}, that takes its addresses as given
   * and hands job credentials out in {@code task.json} when {@code credentials} holds them.
   */
  static ApiTestServer start(
      Path root, String listenHost, RegistryAddresses addresses, Optional<JobTokens> credentials)
      throws Exception {
    return start(root, true, listenHost, 0, addresses, credentials);
  }

  private static ApiTestServer start(
      Path root,
      boolean withRegistry,
      String listenHost,
      int port,
      RegistryAddresses addresses,
      Optional<JobTokens> credentials)
      throws Exception {
    Optional<OciRegistry> registry =
        withRegistry
            ? Optional.of(OciRegistry.open(root.resolve("registry"), RegistryOptions.defaults()))
            : Optional.empty();
    try {
      ProvisioningApi api =
          new ProvisioningApi(registry, root.resolve("provisioning"), addresses, credentials);
      JettyFixture jetty =
          JettyFixture.start(
              context -> {
                context.addServlet(new ServletHolder(api.apiServlet()), "/api/v1/*");
                context.addServlet(new ServletHolder(api.taskServlet()), "/media/tasks/*");
                registry.ifPresent(
                    r -> context.addServlet(new ServletHolder(new OciRegistryServlet(r)), "/v2/*"));
              },
              server -> {
                ServerConnector connector = (ServerConnector) server.getConnectors()[0];
                connector.setHost(listenHost);
                connector.setPort(port);
              });
      return new ApiTestServer(registry, jetty);
    } catch (Exception e) {
      if (registry.isPresent()) {
        registry.get().close();
      }
      throw e;
    }
  }

  OciRegistry registry() {
    return registry.orElseThrow();
  }

  /** {@code http://127.0.0.1:<port>}. */
  URI base() {
    return jetty.base();
  }

  /** The port the server listens on. */
  int port() {
    return jetty.base().getPort();
  }

  /** {@code 127.0.0.1:<port>}, the Host header every request of the test client carries. */
  String hostPort() {
    return jetty.hostPort();
  }

  TestHttp http() {
    return jetty.http();
  }

  @Override
  public void close() throws IOException {
    try {
      jetty.close();
    } catch (Exception e) {
      throw new IOException("stopping the server failed", e);
    } finally {
      if (registry.isPresent()) {
        registry.get().close();
      }
    }
  }
}
