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
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

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
    return start(
        root,
        registryOptions,
        servletOptions,
        listener,
        authorizer,
        new Container(true, DEFAULT_MAX_THREADS));
  }

  /** Jetty's default number of request threads. */
  public static final int DEFAULT_MAX_THREADS = 200;

  /**
   * How the servlet container is set up: whether the servlet is mounted asynchronous (as it should
   * be) and how many request threads the container has.
   */
  public record Container(boolean asynchronous, int maxThreads, Duration idleTimeout) {
    public Container(boolean asynchronous, int maxThreads) {
      this(asynchronous, maxThreads, Duration.ofSeconds(30));
    }
  }

  /** A registry with default options in a container set up as {@code container} says. */
  public static RegistryServer start(Path root, ServletOptions options, Container container)
      throws Exception {
    return start(
        root,
        RegistryOptions.defaults(),
        options,
        RegistryListener.none(),
        RegistryAuthorizer.allowAll(),
        container);
  }

  private static RegistryServer start(
      Path root,
      RegistryOptions registryOptions,
      ServletOptions servletOptions,
      RegistryListener listener,
      RegistryAuthorizer authorizer,
      Container container)
      throws Exception {
    OciRegistry registry = OciRegistry.open(root, registryOptions);
    OciRegistryServlet servlet =
        new OciRegistryServlet(registry, servletOptions, authorizer, listener);
    try {
      JettyFixture jetty =
          JettyFixture.start(
              context -> {
                ServletHolder holder = new ServletHolder(servlet);
                holder.setAsyncSupported(container.asynchronous());
                context.addServlet(holder, "/v2/*");
              },
              server ->
                  ((QueuedThreadPool) server.getThreadPool())
                      .setMaxThreads(container.maxThreads()));
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
