package dev.ociregistry.controller;

import dev.ociregistry.controller.admin.AdminGcServlet;
import dev.ociregistry.controller.admin.AdminRetentionServlet;
import dev.ociregistry.controller.admin.AdminScrubServlet;
import dev.ociregistry.controller.admin.AdminStorageServlet;
import dev.ociregistry.controller.admin.AuthMetrics;
import dev.ociregistry.controller.admin.ControllerMeters;
import dev.ociregistry.controller.admin.GcService;
import dev.ociregistry.controller.admin.HealthServlet;
import dev.ociregistry.controller.admin.MetricsServlet;
import dev.ociregistry.controller.admin.NotFoundServlet;
import dev.ociregistry.controller.admin.RegistryMetrics;
import dev.ociregistry.controller.admin.ScrubService;
import dev.ociregistry.controller.admin.StorageMetrics;
import dev.ociregistry.controller.api.ProvisioningApi;
import dev.ociregistry.controller.api.RegistryAddresses;
import dev.ociregistry.controller.audit.AuditFilter;
import dev.ociregistry.controller.audit.AuditLog;
import dev.ociregistry.controller.auth.AccessControl;
import dev.ociregistry.controller.backend.OpenedRegistry;
import dev.ociregistry.controller.config.ControllerConfig;
import dev.ociregistry.controller.config.Durations;
import dev.ociregistry.controller.config.RetentionFile;
import dev.ociregistry.controller.credentials.CredentialReaders;
import dev.ociregistry.controller.credentials.JobTokens;
import dev.ociregistry.controller.http.HttpMetrics;
import dev.ociregistry.controller.http.LargeTransferLog;
import dev.ociregistry.controller.http.ServerAssembly;
import dev.ociregistry.controller.jobs.ControllerScheduler;
import dev.ociregistry.controller.media.MediaServlets;
import dev.ociregistry.controller.tls.TlsConnectors;
import dev.ociregistry.controller.tls.TlsSettings;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.retention.RetentionPolicy;
import dev.ociregistry.postgres.PostgresDocuments;
import dev.ociregistry.servlet.OciRegistryServlet;
import dev.ociregistry.servlet.RegistryAuthorizer;
import dev.ociregistry.servlet.ServletOptions;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioning controller: one Jetty server holding {@code /v2} (the registry), {@code /api/v1}
 * (provisioning), {@code /media} (static files and task documents), {@code POST /admin/gc}, {@code
 * /metrics}, {@code /healthz} and {@code /readyz}, plus scheduled garbage collection and upload
 * expiry.
 *
 * <p>Stopping is graceful: new connections are refused, requests in flight get {@link
 * #STOP_TIMEOUT} to finish, scheduled jobs finish, and the registry is closed; an upload cut off
 * keeps the bytes that arrived and resumes after the next start.
 */
public final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

  /** The key job credentials are made with, in the provisioning directory. */
  static final String JOB_CREDENTIAL_KEY = "job-credentials.key";

  /** How long requests in flight may take to finish when the controller stops. */
  public static final Duration STOP_TIMEOUT = ServerAssembly.STOP_TIMEOUT;

  private final Server server;
  private final Optional<OpenedRegistry> registry;
  private final Optional<ControllerScheduler> scheduler;
  private final Optional<ScrubService> scrub;

  private Controller(
      Server server,
      Optional<OpenedRegistry> registry,
      Optional<ControllerScheduler> scheduler,
      Optional<ScrubService> scrub) {
    this.server = server;
    this.registry = registry;
    this.scheduler = scheduler;
    this.scrub = scrub;
  }

  /** Opens storage, schedules jobs and starts serving. */
  public static Controller start(ControllerConfig config) throws Exception {
    return start(config, Optional.empty());
  }

  /**
   * As {@link #start(ControllerConfig)}, serving HTTPS on the same port when {@code tls} says so.
   */
  public static Controller start(ControllerConfig config, Optional<TlsSettings> tls)
      throws Exception {
    Files.createDirectories(config.dataDir());
    Files.createDirectories(config.mediaRoot());
    PrometheusMeterRegistry meters = ControllerMeters.create();
    Optional<AccessControl> users = AccessControl.load(config.auth(), new AuthMetrics(meters));
    Optional<RetentionPolicy> retention =
        config.retentionFile().isPresent()
            ? Optional.of(RetentionFile.read(config.retentionFile().get()))
            : Optional.empty();
    AuditLog audit =
        config.auditLog().isPresent() ? AuditLog.toFile(config.auditLog().get()) : AuditLog.off();
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    List<Path> dataDirectories = new ArrayList<>(List.of(config.dataDir()));
    Optional<OpenedRegistry> openedStores = Optional.empty();
    Optional<OciRegistry> registry = Optional.empty();
    Optional<ControllerScheduler> scheduler = Optional.empty();
    Optional<ScrubService> scrub = Optional.empty();
    try {
      if (config.registryEnabled()) {
        openedStores = Optional.of(OpenedRegistry.open(config));
        registry = openedStores.map(OpenedRegistry::registry);
        OciRegistry openedRegistry = registry.get();
        // The registry finishes its open in the background; its problems are logged when known.
        Thread problems =
            new Thread(
                () ->
                    openedRegistry
                        .recoveryProblems()
                        .forEach(problem -> LOG.warn("registry storage: {}", problem)),
                "registry-open-problems");
        problems.setDaemon(true);
        problems.start();
        dataDirectories.add(config.registryStorage());
        new StorageMetrics(registry.get(), config.registryStorage()).bindTo(meters);
      }
      Optional<PostgresDocuments> shared = openedStores.flatMap(OpenedRegistry::sharedDocuments);
      Path jobCredentialKey = config.provisioningDir().resolve(JOB_CREDENTIAL_KEY);
      Optional<JobTokens> jobTokens =
          users.isEmpty()
              ? Optional.empty()
              : Optional.of(
                  shared.isPresent()
                      ? JobTokens.openShared(shared.get(), jobCredentialKey)
                      : JobTokens.open(jobCredentialKey));
      RegistryAddresses addresses =
          RegistryAddresses.of(config.listenAddress().getHostString(), config.publicHosts());
      CredentialReaders readers =
          (request, job) -> users.isPresent() && users.get().mayReadJobCredential(request, job);
      ProvisioningApi api =
          shared.isPresent()
              ? new ProvisioningApi(registry, shared.get(), addresses, jobTokens, readers, audit)
              : new ProvisioningApi(
                  registry, config.provisioningDir(), addresses, jobTokens, readers, audit);
      Optional<OciRegistry> opened = registry;
      Optional<AccessControl> access =
          users.map(
              control -> control.withJobCredentials(jobTokens.get(), api.activeJobs(), opened));
      if (config.auditLog().isPresent()) {
        FilterHolder auditFilter = new FilterHolder(new AuditFilter(audit, registry));
        auditFilter.setName("audit");
        auditFilter.setAsyncSupported(true);
        context.addFilter(auditFilter, "/*", EnumSet.of(DispatcherType.REQUEST));
      }
      access.ifPresent(control -> protectRoutesBesideTheRegistry(context, control));
      Optional<ServerAssembly.SideListener> metricsListener =
          config.metricsAddress().map(address -> metricsOnly(address, meters, access));
      if (registry.isPresent()) {
        ServletOptions servletOptions =
            new ServletOptions(
                config.maxConcurrentUploads(),
                config.uploadTimeout(),
                config.downloadTimeout(),
                config.uploadQueueTimeout());
        context.addServlet(
            asynchronous(
                new ServletHolder(
                    "registry",
                    new OciRegistryServlet(
                        registry.get(),
                        servletOptions,
                        access
                            .map(AccessControl::registryAuthorizer)
                            .orElse(RegistryAuthorizer.allowAll()),
                        new RegistryMetrics(meters)))),
            "/v2/*");
        GcService gc =
            new GcService(
                registry.get(),
                config.gcGracePeriod(),
                config.gcDeleteUntagged(),
                meters,
                audit,
                retention);
        context.addServlet(new ServletHolder("admin-gc", new AdminGcServlet(gc)), "/admin/gc");
        context.addServlet(
            new ServletHolder("admin-retention", new AdminRetentionServlet(gc)),
            "/admin/retention");
        context.addServlet(
            new ServletHolder("admin-storage", new AdminStorageServlet(registry.get(), gc)),
            "/admin/storage");
        scrub =
            Optional.of(
                new ScrubService(registry.get(), config.scrubBytesPerSecond(), meters, audit));
        context.addServlet(
            new ServletHolder("admin-scrub", new AdminScrubServlet(scrub.get())), "/admin/scrub");
        scheduler =
            Optional.of(
                ControllerScheduler.start(
                    gc,
                    config.gcInterval(),
                    registry.get().uploads(),
                    config.uploadTimeout(),
                    scrub.get(),
                    config.scrubInterval()));
      }
      context.addServlet(asynchronous(new ServletHolder("api", api.apiServlet())), "/api/v1/*");
      context.addServlet(new ServletHolder("tasks", api.taskServlet()), "/media/tasks/*");
      context.addServlet(MediaServlets.staticFiles(config.mediaRoot()), "/media/*");
      if (metricsListener.isEmpty()) {
        context.addServlet(new ServletHolder("metrics", new MetricsServlet(meters)), "/metrics");
      }
      HealthServlet health = new HealthServlet(dataDirectories, config.readyMinFreeBytes());
      context.addServlet(new ServletHolder("healthz", health), "/healthz");
      context.addServlet(new ServletHolder("readyz", health), "/readyz");
      context.addServlet(new ServletHolder("not-found", new NotFoundServlet()), "/");

      InetSocketAddress listen = config.listenAddress();
      Server server =
          ServerAssembly.assemble(
              listen,
              tls.isPresent()
                  ? (jetty, http) -> TlsConnectors.https(jetty, http, tls.get())
                  : ServerAssembly.plain(),
              context,
              AccessLog.of(config.accessLog()),
              List.of(new HttpMetrics(meters), new LargeTransferLog()),
              metricsListener,
              config.trustedProxies());
      new JettyServerThreadPoolMetrics(server.getThreadPool(), Tags.empty()).bindTo(meters);
      ServerConnector connector = (ServerConnector) server.getConnectors()[0];
      server.start();
      LOG.info(
          "provisioner-controller listening on {}:{} ({}, registry {}, auth {}, storage {}, media {},"
              + " gc every {} with grace {}{}, {} uploads at once (waiting up to {}), upload timeout"
              + " {}, download timeout {}, scrub {}{}{}, access log {}, {}, metrics {}, log format"
              + " {})",
          listen.getHostString(),
          connector.getLocalPort(),
          tls.isPresent() ? "https" : "http",
          config.registryEnabled() ? "enabled" : "disabled",
          config.auth().mode().name().toLowerCase(Locale.ROOT)
              + config.auth().policyFile().map(file -> " with policy " + file).orElse(""),
          config.backend().describe(config.registryStorage()),
          config.mediaRoot(),
          Durations.format(config.gcInterval()),
          Durations.format(config.gcGracePeriod()),
          config.gcDeleteUntagged()
              ? ", collecting untagged manifests"
              : ", keeping untagged manifests",
          config.maxConcurrentUploads(),
          Durations.format(config.uploadQueueTimeout()),
          Durations.format(config.uploadTimeout()),
          Durations.format(config.downloadTimeout()),
          config
                  .scrubInterval()
                  .map(every -> "every " + Durations.format(every))
                  .orElse("on demand")
              + " at up to "
              + config.scrubBytesPerSecond()
              + " bytes/s",
          config.retentionFile().map(file -> ", retention " + file).orElse(""),
          config.auditLog().map(file -> ", audit log " + file).orElse(""),
          config.accessLog().map(Path::toString).orElse("stdout"),
          config.trustedProxies().isEmpty()
              ? "no trusted proxies"
              : "trusted proxies "
                  + config.trustedProxies().stream()
                      .map(Object::toString)
                      .collect(Collectors.joining(",")),
          metricsListener.isEmpty()
              ? "on this port"
              : "on "
                  + ((ServerConnector) server.getConnectors()[1]).getHost()
                  + ":"
                  + ((ServerConnector) server.getConnectors()[1]).getLocalPort(),
          config.logFormat().name().toLowerCase(Locale.ROOT));
      return new Controller(server, openedStores, scheduler, scrub);
    } catch (Exception e) {
      closeQuietly(scheduler, scrub, openedStores);
      throw e;
    }
  }

  /**
   * {@code /metrics} alone, for a listener of its own, behind the access filter when metrics need a
   * login; any other path there is 404.
   */
  private static ServerAssembly.SideListener metricsOnly(
      InetSocketAddress address, PrometheusMeterRegistry meters, Optional<AccessControl> access) {
    ServletContextHandler metrics = new ServletContextHandler();
    metrics.setContextPath("/");
    metrics.addServlet(new ServletHolder("metrics", new MetricsServlet(meters)), "/metrics");
    metrics.addServlet(new ServletHolder("not-found", new NotFoundServlet()), "/");
    access.ifPresent(
        control -> {
          FilterHolder filter = new FilterHolder(control.filter());
          filter.setName("access");
          metrics.addFilter(filter, "/metrics", EnumSet.of(DispatcherType.REQUEST));
        });
    return new ServerAssembly.SideListener(address, metrics);
  }

  /** Every route beside {@code /v2} and the health checks goes through the access filter. */
  private static void protectRoutesBesideTheRegistry(
      ServletContextHandler context, AccessControl control) {
    FilterHolder filter = new FilterHolder(control.filter());
    filter.setName("access");
    filter.setAsyncSupported(true);
    for (String path : List.of("/api/v1/*", "/media/*", "/admin/*", "/metrics")) {
      context.addFilter(filter, path, EnumSet.of(DispatcherType.REQUEST));
    }
  }

  /**
   * A servlet that may read request bodies and write answers without a thread waiting on the
   * client.
   */
  private static ServletHolder asynchronous(ServletHolder holder) {
    holder.setAsyncSupported(true);
    return holder;
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /**
   * The port {@code /metrics} is served on: its own with {@code METRICS_ADDR}, else {@link #port}.
   */
  public int metricsPort() {
    return ((ServerConnector) server.getConnectors()[server.getConnectors().length - 1])
        .getLocalPort();
  }

  /** Waits until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Stops gracefully; see the class comment. */
  @Override
  public void close() throws IOException {
    LOG.info("stopping: requests in flight get up to {} s", STOP_TIMEOUT.toSeconds());
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping");
    } catch (Exception e) {
      throw new IOException("the server did not stop cleanly", e);
    } finally {
      closeQuietly(scheduler, scrub, registry);
      LOG.info("stopped");
    }
  }

  private static void closeQuietly(
      Optional<ControllerScheduler> scheduler,
      Optional<ScrubService> scrub,
      Optional<OpenedRegistry> registry) {
    try {
      if (scheduler.isPresent()) {
        scheduler.get().close();
      }
    } catch (Exception e) {
      LOG.warn("scheduler did not stop cleanly: {}", e.toString());
    }
    scrub.ifPresent(ScrubService::close);
    try {
      if (registry.isPresent()) {
        registry.get().close();
      }
    } catch (IOException e) {
      LOG.warn("registry did not close cleanly: {}", e.toString());
    }
  }
}
