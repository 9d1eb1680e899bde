package dev.ociregistry.servlet.testing;

import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.RegistryListener;
import dev.ociregistry.servlet.ServletOptions;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that each run against a fresh registry: a directory of their own, a {@link RegistryServer}
 * on it started with default options before each test and stopped after it, its client and a {@link
 * Pusher}. A test that needs other options starts the registry again with them.
 */
public abstract class RegistryTestBase {
  @TempDir protected Path root;

  protected RegistryServer server;
  protected TestHttp http;
  protected Pusher pusher;

  /** What the servlet tells about requests and pushes; nobody listens unless a class says so. */
  protected RegistryListener listener() {
    return RegistryListener.none();
  }

  @BeforeEach
  protected final void startRegistry() throws Exception {
    start(RegistryOptions.defaults(), ServletOptions.defaults());
  }

  /** Stops the registry and starts it again over the same directory with these options. */
  protected final void start(RegistryOptions registryOptions, ServletOptions servletOptions)
      throws Exception {
    stopRegistry();
    server = RegistryServer.start(root, registryOptions, servletOptions, listener());
    http = server.http();
    pusher = new Pusher(http);
  }

  protected final void start(RegistryOptions registryOptions) throws Exception {
    start(registryOptions, ServletOptions.defaults());
  }

  protected final void start(ServletOptions servletOptions) throws Exception {
    start(RegistryOptions.defaults(), servletOptions);
  }

  @AfterEach
  protected final void stopRegistry() throws Exception {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
