package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.JarProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller says so at start when the JVM would not exit on running out of memory, which the
 * README's run command asks of it, and is quiet when it would.
 */
class JvmSettingsIT {
  private static final String WARNING = "without -XX:+ExitOnOutOfMemoryError";

  @TempDir Path workDir;

  @Test
  void aJvmThatWouldNotExitOnOutOfMemoryIsWarnedAbout() throws Exception {
    Map<String, String> env =
        ControllerJar.onAFreePort(Map.of("DATA_DIR", workDir.resolve("data").toString()));
    try (JarProcess controller =
        JarProcess.start(JarProcess.jarFromProperty("controller.jar"), workDir, env, "-Xmx128m")) {
      controller.awaitListening();

      assertThat(controller.log()).contains(WARNING);
    }
  }

  @Test
  void theReadmesRunCommandRaisesNoWarning() throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(
            workDir, Map.of("DATA_DIR", workDir.resolve("data").toString()))) {
      assertThat(controller.log()).doesNotContain(WARNING);
    }
  }
}
