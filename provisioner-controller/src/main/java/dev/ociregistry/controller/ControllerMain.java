package dev.ociregistry.controller;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.ociregistry.controller.config.ConfigException;
import dev.ociregistry.controller.config.ControllerConfig;
import dev.ociregistry.controller.config.Durations;
import dev.ociregistry.controller.logging.LogSetup;
import dev.ociregistry.controller.tls.TlsSettings;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar provisioner-controller.jar}: reads the environment (see {@link
 * ControllerConfig}), starts the {@link Controller}, and stops it gracefully on SIGTERM or SIGINT,
 * exiting 0 (1 when the stop failed). A bad variable stops start-up with exit code 2 and a message
 * naming it; a failed start exits 1. Run it with {@code -XX:+ExitOnOutOfMemoryError}, so that a JVM
 * out of memory exits (code 3) for its supervisor to restart, rather than stays half alive.
 */
public final class ControllerMain {
  private ControllerMain() {}

  private static boolean exitsOnOutOfMemory() {
    HotSpotDiagnosticMXBean hotSpot =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    return hotSpot != null
        && "true".equals(hotSpot.getVMOption("ExitOnOutOfMemoryError").getValue());
  }

  public static void main(String[] args) throws Exception {
    ControllerConfig config;
    Optional<TlsSettings> tls;
    try {
      config = ControllerConfig.fromEnvironment(System.getenv());
      tls = TlsSettings.fromEnvironment(System.getenv());
    } catch (ConfigException e) {
      System.err.println("provisioner-controller: invalid configuration:");
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    // Read once, when the first logger is made.
    System.setProperty(LogSetup.LEVEL, config.logLevel());
    System.setProperty(LogSetup.FORMAT, config.logFormat().name().toLowerCase(Locale.ROOT));
    Logger log = LoggerFactory.getLogger(ControllerMain.class);
    if (config.registryEnabled() && config.hasShortGracePeriod()) {
      log.warn(
          "REGISTRY_GC_GRACE_PERIOD={} is very short: a client that uploads a blob and pushes its"
              + " manifest later than that may find the blob collected; use it for tests and demos",
          Durations.format(config.gcGracePeriod()));
    }
    if (!exitsOnOutOfMemory()) {
      log.warn(
          "the JVM runs without -XX:+ExitOnOutOfMemoryError: after running out of memory the"
              + " controller may stay up half working instead of exiting for its supervisor to"
              + " restart it");
    }
    Controller controller;
    try {
      controller = Controller.start(config, tls);
    } catch (ConfigException e) {
      log.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      log.error("start-up failed: {}", e.toString(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  int status = 0;
                  try {
                    controller.close();
                  } catch (Exception e) {
                    log.warn("shutdown did not complete cleanly: {}", e.toString());
                    status = 1;
                  }
                  // A stop asked for by SIGTERM is a clean exit (0), not the JVM's 143.
                  Runtime.getRuntime().halt(status);
                },
                "shutdown"));
    controller.join();
  }
}
