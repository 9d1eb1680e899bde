package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.JarProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each bad environment value stops start-up with exit code 2 and a message naming it. */
class BadEnvironmentIT {
  @TempDir Path workDir;

  @ParameterizedTest
  @CsvSource({
    "LISTEN_ADDR, nowhere",
    "ENABLE_REGISTRY, perhaps",
    "REGISTRY_AUTH_MODE, ldap",
    "REGISTRY_GC_INTERVAL, hourly",
    "REGISTRY_GC_GRACE_PERIOD, 1 day",
    "REGISTRY_GC_DELETE_UNTAGGED, sometimes",
    "REGISTRY_MAX_CONCURRENT_UPLOADS, 0",
    "REGISTRY_UPLOAD_TIMEOUT, 1y",
    "REGISTRY_DOWNLOAD_TIMEOUT, -1m",
    "READY_MIN_FREE_SPACE, lots",
    "LOG_LEVEL, chatty",
    "REGISTRY_PUBLIC_HOSTS, https://x/",
    "TRUSTED_PROXIES, 10.0.0.0/33"
  })
  void badValueStopsStartUpNamingTheVariable(String variable, String value) throws Exception {
    try (JarProcess controller = ControllerJar.start(workDir, Map.of(variable, value))) {
      int exit = controller.awaitExit(Duration.ofSeconds(60));

      assertThat(exit).as(controller.log()).isEqualTo(2);
      assertThat(controller.log())
          .contains("invalid configuration")
          .contains(variable + "=" + value + " is not valid")
          .contains("accepts");
    }
  }
}
