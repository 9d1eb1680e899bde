package dev.ociregistry.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every log the suite wrote before this module ran (each test's output, every controller process
 * the end-to-end tests started, the surefire and failsafe reports) holds none of the passwords and
 * tokens the tests used, which they wrote down as they made or received them ({@code TestSecrets}).
 * Runs in this module because the reactor builds it after core, the servlet and the controller: run
 * the whole build ({@code mvn verify}) for it to have their logs.
 */
class LogsHoldNoSecretsTest {
  private static final Path PROJECT = Path.of("..");

  @Test
  void noLogOfTheSuiteHoldsAPasswordOrTokenItUsed() throws IOException {
    Set<String> secrets = new LinkedHashSet<>();
    for (Path file : files("test-secrets.txt")) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          secrets.add(line.strip());
        }
      }
    }
    List<Path> logs = new ArrayList<>();
    logs.addAll(files("-output.txt"));
    logs.addAll(files(".log"));
    logs.addAll(
        files(".xml").stream()
            .filter(file -> file.getFileName().toString().startsWith("TEST-"))
            .toList());

    assertThat(secrets)
        .as(
            "secrets written down by the servlet's and controller's tests; run the whole build first")
        .hasSizeGreaterThan(5);
    assertThat(logs).as("logs of the earlier modules").hasSizeGreaterThan(20);
    assertThat(logs)
        .as("controller processes' logs")
        .anyMatch(file -> file.toString().contains("process-logs"));
    List<String> found = new ArrayList<>();
    for (Path log : logs) {
      String text = Files.readString(log, StandardCharsets.ISO_8859_1);
      for (String secret : secrets) {
        if (text.contains(secret)) {
          found.add(secret.substring(0, Math.min(4, secret.length())) + "... in " + log);
        }
      }
    }
    assertThat(found).as("secrets found in logs").isEmpty();
  }

  /** Files under the modules' build directories whose names end with {@code suffix}. */
  private static List<Path> files(String suffix) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> modules = Files.list(PROJECT)) {
      for (Path module : modules.filter(Files::isDirectory).toList()) {
        Path target = module.resolve("target");
        if (!Files.isDirectory(target)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(target, 3)) {
          walk.filter(Files::isRegularFile)
              .filter(file -> file.getFileName().toString().endsWith(suffix))
              .forEach(found::add);
        }
      }
    }
    return found;
  }
}
