package dev.ociregistry.controller.tls;

import dev.ociregistry.controller.config.ConfigException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves new TLS files without a restart: every {@link TlsSettings#reloadInterval()} it reads the
 * files (following symbolic links, as a Kubernetes secret mount swaps them) and compares a digest
 * of their content with what is being served. A change is taken once the files have stayed the same
 * for one interval, so that a writer updating the certificate and then the key is seen once, whole;
 * then the files are checked as at start-up and, if they form a valid pair, {@link
 * SslContextFactory#reload} serves them to every new connection (connections already open keep
 * theirs).
 *
 * <p>Files that do not form a valid pair (the key rotated but not yet the certificate, a file
 * missing or cut short, a wrong password) change nothing: the previous certificate stays in use and
 * one warning says why, until the files change again.
 *
 * <p>A Jetty bean of the connector {@link TlsConnectors#https} builds: it starts and stops with it,
 * on a daemon thread of its own.
 */
public final class TlsReloader extends ContainerLifeCycle {
  private static final Logger LOG = LoggerFactory.getLogger(TlsReloader.class);

  private final TlsSettings settings;
  private final SslContextFactory.Server factory;
  private final Scheduler scheduler = new ScheduledExecutorScheduler("tls-reload", true);

  private volatile KeyMaterial served;
  private volatile Optional<String> problem = Optional.empty();
  private String servedFingerprint;
  private String seenFingerprint;
  private String refusedFingerprint;
  private Scheduler.Task task;

  TlsReloader(
      TlsSettings settings,
      SslContextFactory.Server factory,
      KeyMaterial served,
      String fingerprint) {
    this.settings = settings;
    this.factory = factory;
    this.served = served;
    this.servedFingerprint = fingerprint;
    this.seenFingerprint = fingerprint;
    addManaged(scheduler);
  }

  /** The certificates new connections are served, one per key. */
  public List<X509Certificate> certificates() {
    return served.certificates();
  }

  /** Why the files as they are now are not being served, if they are not. */
  public Optional<String> problem() {
    return problem;
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    schedule();
  }

  @Override
  protected void doStop() throws Exception {
    synchronized (this) {
      if (task != null) {
        task.cancel();
      }
    }
    super.doStop();
  }

  private synchronized void schedule() {
    if (isStarting() || isRunning()) {
      task =
          scheduler.schedule(this::run, settings.reloadInterval().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void run() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.warn("TLS: checking {} failed: {}", settings.source().describe(), e.toString());
    } finally {
      schedule();
    }
  }

  /** One look at the files; what the scheduler runs every interval. */
  synchronized void check() {
    TlsFiles.Snapshot snapshot = null;
    String fingerprint;
    ConfigException unreadable = null;
    try {
      snapshot = TlsFiles.read(settings.source());
      fingerprint = snapshot.fingerprint();
    } catch (ConfigException e) {
      unreadable = e;
      fingerprint = "unreadable: " + e.getMessage();
    }
    boolean settled = fingerprint.equals(seenFingerprint);
    seenFingerprint = fingerprint;
    if (fingerprint.equals(servedFingerprint)) {
      if (problem.isPresent()) {
        LOG.info("TLS: the files are back to the certificate being served");
        problem = Optional.empty();
        refusedFingerprint = null;
      }
      return;
    }
    if (!settled || fingerprint.equals(refusedFingerprint)) {
      return;
    }
    try {
      if (unreadable != null) {
        throw unreadable;
      }
      KeyMaterial material = TlsFiles.parse(settings.source(), snapshot);
      serve(material);
      served = material;
      servedFingerprint = fingerprint;
      problem = Optional.empty();
      refusedFingerprint = null;
      LOG.info("TLS: now serving {} from {}", material.describe(), settings.source().describe());
      warnAboutValidity(material);
    } catch (ConfigException e) {
      refusedFingerprint = fingerprint;
      problem = Optional.of(e.getMessage());
      LOG.warn(
          "TLS: the files changed but cannot be served, still serving {}: {}",
          served.describe(),
          e.getMessage());
    } catch (Exception e) {
      // Jetty unloads before it loads: a load that failed leaves no context, so put the old one
      // back.
      refusedFingerprint = fingerprint;
      problem = Optional.of(e.toString());
      LOG.error("TLS: reloading {} failed: {}", settings.source().describe(), e.toString());
      try {
        serve(served);
      } catch (Exception again) {
        LOG.error("TLS: serving {} again failed too: {}", served.describe(), again.toString());
      }
    }
  }

  private void serve(KeyMaterial material) throws Exception {
    factory.reload(
        f -> {
          f.setKeyStore(material.keyStore());
          f.setKeyStorePassword(material.password());
        });
  }

  static void warnAboutValidity(KeyMaterial material) {
    for (String validity : material.validityProblems(Instant.now())) {
      LOG.warn("TLS: the certificate {}; clients will refuse it", validity);
    }
  }
}
