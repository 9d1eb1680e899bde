package dev.ociregistry.examples.tomcat;

import dev.ociregistry.core.Maintenance;
import dev.ociregistry.core.MaintenanceOptions;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.OciRegistryServlet;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardWrapper;
import org.apache.catalina.startup.Tomcat;

/**
 * An application that embeds an OCI registry in Tomcat 11 (Servlet 6.1): the same servlet mounted
 * the same way as in Jetty, since it assumes nothing of its container. One directory, one servlet
 * at {@code /v2/*}, housekeeping on a thread of the registry's own, and a shutdown hook that stops
 * it all.
 *
 * <pre>{@code
 * mvn -f examples/tomcat compile exec:java -Dexec.args="/tmp/registry 5000"
 * skopeo copy --dest-tls-verify=false oci:./layout:demo docker://localhost:5000/demo/image:1
 * }</pre>
 */
public final class EmbeddedTomcatExample {
  /** How long requests in flight get to finish when the application stops. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final OciRegistry registry;
  private final Maintenance maintenance;
  private final Tomcat tomcat;
  private final StandardContext context;
  private final StandardWrapper registryServlet;
  private final Path tomcatDir;

  private EmbeddedTomcatExample(
      OciRegistry registry,
      Maintenance maintenance,
      Tomcat tomcat,
      StandardContext context,
      StandardWrapper registryServlet,
      Path tomcatDir) {
    this.registry = registry;
    this.maintenance = maintenance;
    this.tomcat = tomcat;
    this.context = context;
    this.registryServlet = registryServlet;
    this.tomcatDir = tomcatDir;
  }

  /** Arguments: the storage directory ({@code registry-data}) and the port (5000). */
  public static void main(String[] args) throws Exception {
    Path storage = Path.of(args.length > 0 ? args[0] : "registry-data");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    EmbeddedTomcatExample example = start(storage, port);
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
    example.tomcat.getServer().await();
  }

  /**
   * Opens the registry in {@code storage}, starts its maintenance and serves it at {@code /v2} on
   * {@code port} (0: any free port).
   */
  public static EmbeddedTomcatExample start(Path storage, int port) throws Exception {
    OciRegistry registry = OciRegistry.open(storage, RegistryOptions.defaults());
    // Garbage collection, retention and upload expiry: the embedder's job, and this its one line.
    Maintenance maintenance = registry.startMaintenance(MaintenanceOptions.defaults());

    // Tomcat's own working files; the registry's storage is the directory given.
    Path tomcatDir = Files.createTempDirectory("registry-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(tomcatDir.toString());
    Connector connector = new Connector();
    connector.setPort(port);
    connector.setThrowOnFailure(true);
    // Binds on start, so that stop() can close the listening socket before requests end.
    connector.setProperty("bindOnInit", "false");
    tomcat.setConnector(connector);

    StandardContext context = (StandardContext) tomcat.addContext("", null);
    // One context for the life of the process: no redeployment whose leaks to look for.
    context.setClearReferencesThreadLocals(false);
    context.setClearReferencesRmiTargets(false);
    StandardWrapper registryServlet =
        (StandardWrapper) Tomcat.addServlet(context, "registry", new OciRegistryServlet(registry));
    // Asynchronous, so that clients that send or read slowly hold no request thread.
    registryServlet.setAsyncSupported(true);
    context.addServletMapping("/v2/*", "registry");
    try {
      tomcat.start();
    } catch (Exception e) {
      tomcat.destroy();
      registry.close();
      deleteTree(tomcatDir);
      throw e;
    }
    return new EmbeddedTomcatExample(
        registry, maintenance, tomcat, context, registryServlet, tomcatDir);
  }

  /** Where the API is served: {@code http://localhost:<port>/v2/}. */
  public URI uri() {
    return URI.create("http://localhost:" + tomcat.getConnector().getLocalPort() + "/v2/");
  }

  public Maintenance maintenance() {
    return maintenance;
  }

  /**
   * What the shutdown hook runs: stops Tomcat gracefully (new connections are refused, requests in
   * flight get {@link #STOP_TIMEOUT} to finish), then closes the registry (which stops its
   * maintenance). An upload cut off here stays on disk and resumes after the next start.
   */
  public void stop() throws Exception {
    try {
      Connector connector = tomcat.getConnector();
      connector.pause();
      connector.getProtocolHandler().closeServerSocketGraceful();
      awaitRequestsInFlight();
      tomcat.stop();
      tomcat.destroy();
    } finally {
      registry.close();
      deleteTree(tomcatDir);
    }
  }

  /**
   * Waits until no request is in the servlet, asynchronous ones included, or {@link #STOP_TIMEOUT}
   * has passed. Tomcat's own graceful stop ({@code gracefulStopAwaitMillis}) waits for every
   * connection to close, idle keep-alive ones too, so it would always take the whole timeout.
   */
  private void awaitRequestsInFlight() throws InterruptedException {
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while ((context.getInProgressAsyncCount() > 0 || registryServlet.getCountAllocated() > 0)
        && System.nanoTime() - deadline < 0) {
      // Tomcat tells no one when its last request ends: look again shortly.
      Thread.sleep(20);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
