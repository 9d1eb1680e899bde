package dev.ociregistry.examples;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.OciRegistryServlet;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/**
 * An application that embeds an OCI registry: one directory, one servlet, one Jetty server.
 *
 * <pre>{@code
 * java dev.ociregistry.examples.EmbeddedJettyExample /tmp/registry 5000
 * oras push --plain-http localhost:5000/demo/hello:1 hello.txt
 * }</pre>
 */
public final class EmbeddedJettyExample {
  private EmbeddedJettyExample() {}

  public static void main(String[] args) throws Exception {
    Path storage = Path.of(args.length > 0 ? args[0] : "registry-data");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    Server server = start(storage, port);
    System.out.println("registry at http://localhost:" + server.getURI().getPort() + "/v2/");
    server.join();
  }

  /** Opens the registry in {@code storage} and serves it at {@code /v2} on {@code port}. */
  public static Server start(Path storage, int port) throws Exception {
    OciRegistry registry = OciRegistry.open(storage, RegistryOptions.defaults());

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder registryServlet = new ServletHolder(new OciRegistryServlet(registry));
    // Asynchronous, so that clients that send or read slowly hold no request thread.
    registryServlet.setAsyncSupported(true);
    context.addServlet(registryServlet, "/v2/*");

    Server server = new Server(port);
    server.setHandler(context);
    server.addEventListener(
        new org.eclipse.jetty.util.component.LifeCycle.Listener() {
          @Override
          public void lifeCycleStopped(org.eclipse.jetty.util.component.LifeCycle event) {
            try {
              registry.close();
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        });
    server.start();
    return server;
  }
}
