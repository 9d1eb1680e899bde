package dev.ociregistry.controller.tls;

import static org.assertj.core.api.Assertions.fail;

import dev.ociregistry.testkit.Commands;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command-line tools the TLS tests make certificates with: the JDK's {@code keytool} and
 * Debian's {@code openssl}. A missing tool fails the test; it never skips it.
 */
final class Tools {
  private static final long TIMEOUT_SECONDS = 60;

  private Tools() {}

  /** The {@code keytool} of the JDK running the tests. */
  static Path keytool() {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    if (!Files.isExecutable(keytool)) {
      fail("keytool is missing from the JDK running the tests (%s)", keytool);
    }
    return keytool;
  }

  /** The {@code openssl} on the {@code PATH}. */
  static Path openssl() {
    return onPath("openssl", "apt-get install -y openssl");
  }

  /** {@code name} on the {@code PATH}; fails the test when missing, saying how to install it. */
  static Path onPath(String name, String install) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
      if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail(
        "%s is not installed (not found on PATH=%s); install it with `%s`", name, path, install);
  }

  /** Runs {@code tool} with {@code arguments} in {@code dir}; fails the test unless it exits 0. */
  static Commands.Result run(Path dir, Path tool, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(tool.toString());
    command.addAll(Arrays.asList(arguments));
    Commands.Result result =
        Commands.run(command, dir, environment -> {}, Duration.ofSeconds(TIMEOUT_SECONDS));
    if (result.exitCode() != 0) {
      fail("%s failed:\n%s", tool.getFileName(), result);
    }
    return result;
  }
}
