package dev.ociregistry.controller.e2e;

import dev.ociregistry.testkit.JarProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The built controller jar (system property {@code controller.jar}, as failsafe passes it) as the
 * kit's {@link JarProcess}, run as the README runs it ({@code -XX:+ExitOnOutOfMemoryError}), with a
 * 256 MiB heap unless a test says otherwise.
 */
final class ControllerJar {
  private static final String DEFAULT_MAX_HEAP = "256m";

  private ControllerJar() {}

  /** Starts the jar in {@code workDir} with only {@code env} (plus PATH) as its environment. */
  static JarProcess start(Path workDir, Map<String, String> env) throws Exception {
    return start(workDir, env, DEFAULT_MAX_HEAP);
  }

  /** Starts the jar with a maximum heap of {@code maxHeap} (a {@code -Xmx} value). */
  static JarProcess start(Path workDir, Map<String, String> env, String maxHeap) throws Exception {
    return JarProcess.start(
        JarProcess.jarFromProperty("controller.jar"),
        workDir,
        env,
        "-Xmx" + maxHeap,
        "-XX:+ExitOnOutOfMemoryError");
  }

  /** Starts the jar and waits until it listens. */
  static JarProcess started(Path workDir, Map<String, String> env) throws Exception {
    JarProcess controller = start(workDir, env);
    controller.awaitListening();
    return controller;
  }

  /**
   * Starts the jar on 127.0.0.1 and a free port ({@code LISTEN_ADDR}) and waits until it listens.
   */
  static JarProcess startedOnAFreePort(Path workDir, Map<String, String> env) throws Exception {
    return started(workDir, onAFreePort(env));
  }

  /** {@code env} plus {@code LISTEN_ADDR=127.0.0.1:0}. */
  static Map<String, String> onAFreePort(Map<String, String> env) {
    Map<String, String> withAddress = new HashMap<>(env);
    withAddress.put("LISTEN_ADDR", "127.0.0.1:0");
    return Map.copyOf(withAddress);
  }
}
