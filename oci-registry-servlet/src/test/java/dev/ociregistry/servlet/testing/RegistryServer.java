package dev.ociregistry.servlet.testing;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.OciRegistryServlet;
import dev.ociregistry.servlet.RegistryAuthorizer;
import dev.ociregistry.servlet.RegistryListener;
import dev.ociregistry.servlet.ServletOptions;
import dev.ociregistry.testkit.JettyFixture;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * A registry stored in a directory, served on {@code /v2/*} by a {@link JettyFixture} (a real Jetty
 * on 127.0.0.1 and a random port). It owns the registry: closing it stops the server, then closes
 * the registry.
 */
public final class RegistryServer implements AutoCloseable {
  private final JettyFixture jetty;
  private final OciRegistry registry;
  private final TestHttp http;

  private RegistryServer(JettyFixture jetty, OciRegistry registry) {
    this.jetty = jetty;
    this.registry = registry;
    this.http = jetty.http();
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
    return start(root, registryOptions, servletOptions, listener, RegistryAuthorizer.allowAll());
  }

  /** A registry whose requests {@code authorizer} allows or refuses. */
  public static RegistryServer start(Path root, RegistryAuthorizer authorizer) throws Exception {
    return start(
        root,
        RegistryOptions.defaults(),
        ServletOptions.defaults(),
        RegistryListener.none(),
        authorizer);
  }

  public static RegistryServer start(
      Path root,
      RegistryOptions registryOptions,
      ServletOptions servletOptions,
      RegistryListener listener,
      RegistryAuthorizer authorizer)
      throws Exception {
    OciRegistry registry = OciRegistry.open(root, registryOptions);
    OciRegistryServlet servlet =
        new OciRegistryServlet(registry, servletOptions, authorizer, listener);
    try {
      JettyFixture jetty =
          JettyFixture.start(context -> context.addServlet(new ServletHolder(servlet), "/v2/*"));
      return new RegistryServer(jetty, registry);
    } catch (Exception e) {
      registry.close();
      throw e;
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI base() {
    return jetty.base();
  }

  /** {@code 127.0.0.1:<port>}, as clients name a registry. */
  public String hostPort() {
    return jetty.hostPort();
  }

  /** The client of this server (one per server, shared by the test's requests). */
  public TestHttp http() {
    return http;
  }

  public OciRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    try {
      jetty.close();
    } finally {
      try {
        registry.close();
      } catch (IOException e) {
        // the test is over; the root lock goes with the process
      }
    }
  }
}
