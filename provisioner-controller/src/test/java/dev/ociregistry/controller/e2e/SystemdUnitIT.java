package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.controller.Controller;
import dev.ociregistry.testkit.Commands;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.TestHttp;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit of {@code docs/operations.md} ({@code deploy/systemd/}), installed by {@code
 * deploy/systemd/install} into a directory of its own ({@code DESTDIR}): {@code systemd-analyze
 * verify} finds nothing to say about it, and its own {@code ExecStartPre=} (none today) and {@code
 * ExecStart=}, run with its {@code Environment=} and {@code EnvironmentFile=} and its paths moved
 * under that directory, start the controller on the unit's data directory, which stops on SIGTERM
 * with exit code 0 within the unit's stop timeout and maps, on its second start, the class archive
 * its first wrote in the cache directory; nothing is written under {@code /opt}.
 *
 * <p>A missing {@code systemd-analyze} fails the test ({@code .ci/run} installs Debian's {@code
 * systemd}); the build machine runs no systemd, so the unit is verified and its commands run, but
 * it is not started by systemd itself.
 */
class SystemdUnitIT {
  private static final Path REPOSITORY =
      Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
  private static final Path INSTALL = REPOSITORY.resolve("deploy/systemd/install");
  private static final String UNIT = "etc/systemd/system/oci-registry.service";

  /** The absolute paths the unit names, which the test moves under its installation directory. */
  private static final List<String> INSTALLED_PATHS =
      List.of(
          "/opt/oci-registry",
          "/etc/oci-registry",
          "/var/lib/oci-registry",
          "/var/cache/oci-registry");

  @TempDir Path workDir;
  private Path root;

  @BeforeEach
  void install() throws Exception {
    root = workDir.resolve("root");
    Commands.Result installed =
        Commands.run(
            List.of(INSTALL.toString()),
            workDir,
            env -> {
              env.put("DESTDIR", root.toString());
              env.put("CONTROLLER_JAR", JarProcess.jarFromProperty("controller.jar").toString());
            },
            Duration.ofSeconds(60));
    assertThat(installed.exitCode()).as(installed.toString()).isZero();
  }

  @Test
  void theInstalledUnitPassesSystemdAnalyzeVerifyWithoutAComplaint() throws Exception {
    Path analyze = requireTool("systemd-analyze", "systemd");
    // systemd-analyze --root= resolves the units the unit depends on inside that root.
    Commands.Result copied =
        Commands.run(
            List.of(
                "cp",
                "-a",
                "/usr/lib/systemd/system",
                Files.createDirectories(root.resolve("usr/lib/systemd")).toString()),
            workDir,
            env -> {},
            Duration.ofSeconds(60));
    assertThat(copied.exitCode()).as(copied.toString()).isZero();

    Commands.Result verify =
        Commands.run(
            List.of(analyze.toString(), "verify", "--root=" + root, root.resolve(UNIT).toString()),
            workDir,
            env -> {},
            Duration.ofSeconds(60));

    assertThat(verify.exitCode()).as(verify.toString()).isZero();
    assertThat(verify.stdout() + verify.stderr()).as("what systemd-analyze says").isBlank();
  }

  @Test
  void theUnitsCommandsStartTheControllerWhichStopsCleanlyWithinTheStopTimeout() throws Exception {
    Map<String, List<String>> service = section(Files.readString(root.resolve(UNIT)), "Service");
    Duration stopTimeout = Duration.ofSeconds(seconds(single(service, "TimeoutStopSec")));
    assertThat(stopTimeout).isGreaterThan(Controller.STOP_TIMEOUT.plusSeconds(10));
    assertThat(single(service, "RestartPreventExitStatus"))
        .as("a configuration error (exit 2) is not restarted")
        .isEqualTo("2");
    // What systemd makes for StateDirectory= and CacheDirectory= before it starts the service.
    Path data = Files.createDirectories(moved("/var/lib/" + single(service, "StateDirectory")));
    Path cache = Files.createDirectories(moved("/var/cache/" + single(service, "CacheDirectory")));
    Map<String, String> env = environment(service);
    assertThat(env).containsEntry("DATA_DIR", data.toString());
    env.put("LISTEN_ADDR", "127.0.0.1:0");

    for (String pre : service.getOrDefault("ExecStartPre", List.of())) {
      Commands.Result ran =
          Commands.run(command(pre), workDir, vars -> vars.putAll(env), Duration.ofSeconds(30));
      assertThat(ran.exitCode()).as(ran.toString()).isZero();
    }
    Path workingDirectory = moved(single(service, "WorkingDirectory"));
    List<String> start = command(single(service, "ExecStart"));

    long firstStop = runUntilStopped(start, workingDirectory, env, stopTimeout);
    assertThat(data.resolve("registry/oci-layout")).isRegularFile();
    assertThat(cache.resolve("provisioner-controller.jsa")).isNotEmptyFile();
    try (Stream<Path> installed = Files.walk(moved("/opt/oci-registry"))) {
      assertThat(installed.filter(Files::isRegularFile))
          .as("/opt holds what was installed and nothing more")
          .containsExactlyInAnyOrder(
              moved("/opt/oci-registry/provisioner-controller.jar"),
              moved("/opt/oci-registry/bin/controller"));
    }

    // -Xshare:on makes the JVM refuse to start unless it maps the archive.
    Map<String, String> sharing = new HashMap<>(env);
    sharing.put("JAVA_OPTS", "-Xshare:on");
    long secondStop = runUntilStopped(start, workingDirectory, sharing, stopTimeout);
    System.out.printf(
        "systemd unit: its commands started the controller twice (the second mapping the class"
            + " archive); SIGTERM stopped it in %d ms and %d ms, exit code 0, stop timeout %d s%n",
        firstStop, secondStop, stopTimeout.toSeconds());
  }

  /** Starts {@code command}, reads {@code /v2/}, stops it with SIGTERM; how long the stop took. */
  private long runUntilStopped(
      List<String> command, Path workingDirectory, Map<String, String> env, Duration stopTimeout)
      throws Exception {
    try (JarProcess controller = JarProcess.startCommand(command, workingDirectory, env)) {
      controller.awaitListening();
      assertThat(new TestHttp(controller.base()).get("/v2/").status()).isEqualTo(200);
      long stopping = System.nanoTime();
      controller.terminate();
      assertThat(controller.awaitExit(stopTimeout)).as(controller.log()).isZero();
      assertThat(controller.log()).doesNotContainIgnoringCase("warn");
      return Duration.ofNanos(System.nanoTime() - stopping).toMillis();
    }
  }

  /** The unit's environment as systemd gives it: Environment=, then EnvironmentFile= over it. */
  private Map<String, String> environment(Map<String, List<String>> service) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String assignment : service.getOrDefault("Environment", List.of())) {
      put(env, assignment);
    }
    for (String file : service.getOrDefault("EnvironmentFile", List.of())) {
      for (String line : Files.readAllLines(moved(file), StandardCharsets.UTF_8)) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          put(env, trimmed);
        }
      }
    }
    return env;
  }

  private void put(Map<String, String> env, String assignment) {
    assertThat(assignment).as("this test reads no quoting").doesNotContain("\"", "'");
    int equals = assignment.indexOf('=');
    assertThat(equals).as(assignment).isPositive();
    env.put(assignment.substring(0, equals), movedText(assignment.substring(equals + 1)));
  }

  /** A command line of the unit, split as systemd splits one without quotes, paths moved. */
  private List<String> command(String line) {
    assertThat(line).as("this test reads no quoting or prefixes").doesNotContain("\"", "'");
    assertThat(line.charAt(0)).as(line).isEqualTo('/');
    List<String> words = new ArrayList<>();
    for (String word : line.trim().split("\\s+")) {
      words.add(movedText(word));
    }
    return words;
  }

  /** {@code path}, one of the unit's absolute paths, under the installation directory. */
  private Path moved(String path) {
    String text = movedText(path);
    assertThat(text).as("a path the unit names under " + INSTALLED_PATHS).isNotEqualTo(path);
    return Path.of(text);
  }

  private String movedText(String text) {
    for (String prefix : INSTALLED_PATHS) {
      if (text.equals(prefix) || text.startsWith(prefix + "/")) {
        return root + text;
      }
    }
    return text;
  }

  /** The keys of one section of a unit file, each with its values in order. */
  private static Map<String, List<String>> section(String unit, String name) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    String current = null;
    for (String line : unit.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
        continue;
      }
      if (trimmed.startsWith("[")) {
        current = trimmed.substring(1, trimmed.length() - 1);
        continue;
      }
      if (name.equals(current)) {
        assertThat(trimmed).as("no continuation lines").doesNotEndWith("\\");
        int equals = trimmed.indexOf('=');
        keys.computeIfAbsent(trimmed.substring(0, equals), key -> new ArrayList<>())
            .add(trimmed.substring(equals + 1));
      }
    }
    return keys;
  }

  private static String single(Map<String, List<String>> section, String key) {
    assertThat(section.get(key)).as(key).hasSize(1);
    return section.get(key).get(0);
  }

  private static long seconds(String timeSpan) {
    assertThat(timeSpan).matches("\\d+s");
    return Long.parseLong(timeSpan.substring(0, timeSpan.length() - 1));
  }

  /** A tool on the PATH (or in /usr/sbin, /sbin); fails the test when it is not installed. */
  static Path requireTool(String name, String debianPackage) {
    List<String> directories =
        new ArrayList<>(
            Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    directories.addAll(List.of("/usr/sbin", "/sbin"));
    for (String directory : directories) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        name
            + " is not installed; install it with `apt-get install -y "
            + debianPackage
            + "`, as .ci/run does");
  }
}
