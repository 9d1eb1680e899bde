package dev.ociregistry.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code skopeo} command from Debian's packages ({@code .ci/run} installs it), run as a process
 * with a timeout and kept away from the user's configuration: an empty auth file, a policy that
 * accepts anything, no registries.conf, and a private temporary directory.
 *
 * <p>A missing {@code skopeo} fails the test; it never skips it.
 */
public final class Skopeo {
  private static final long TIMEOUT_SECONDS = 60;

  private final Path executable;
  private final Path home;
  private final Path policy;
  private final Path authFile;
  private final Path registriesConf;
  private final Path tmp;

  private Skopeo(Path executable, Path home) throws IOException {
    this.executable = executable;
    this.home = Files.createDirectories(home);
    this.policy =
        Files.writeString(
            home.resolve("policy.json"), "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
    this.authFile = Files.writeString(home.resolve("auth.json"), "{}");
    this.registriesConf = Files.writeString(home.resolve("registries.conf"), "");
    this.tmp = Files.createDirectories(home.resolve("tmp"));
  }

  /** The skopeo on the {@code PATH}, configured under {@code home}; fails the test when missing. */
  public static Skopeo require(Path home) throws IOException {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "skopeo");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return new Skopeo(candidate, home);
      }
    }
    throw new AssertionError(
        "skopeo is not installed (not found on PATH="
            + path
            + "); install it with `apt-get install -y skopeo`, as .ci/run does");
  }

  /** Runs skopeo with the arguments, asserting it exits 0. */
  public Commands.Result run(String... arguments) throws IOException, InterruptedException {
    Commands.Result result = runAllowingFailure(arguments);
    if (result.exitCode() != 0) {
      throw new AssertionError("skopeo failed:\n" + result);
    }
    return result;
  }

  /** Runs skopeo with the arguments, whatever it exits with. */
  public Commands.Result runAllowingFailure(String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.add("--policy");
    command.add(policy.toString());
    command.add("--tmpdir");
    command.add(tmp.toString());
    command.add("--command-timeout");
    command.add(TIMEOUT_SECONDS + "s");
    command.addAll(Arrays.asList(arguments));
    return Commands.run(command, home, this::isolate, Duration.ofSeconds(TIMEOUT_SECONDS + 15));
  }

  /** Keeps skopeo away from the user's configuration, proxies and trust settings. */
  private void isolate(Map<String, String> env) {
    env.put("HOME", home.toString());
    env.put("XDG_RUNTIME_DIR", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
    env.put("REGISTRY_AUTH_FILE", authFile.toString());
    env.put("CONTAINERS_REGISTRIES_CONF", registriesConf.toString());
    env.put("TMPDIR", tmp.toString());
    for (String name :
        List.of(
            "DOCKER_CONFIG",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
            "http_proxy",
            "https_proxy",
            "HTTP_PROXY",
            "HTTPS_PROXY")) {
      env.remove(name);
    }
    env.put("NO_PROXY", "127.0.0.1,localhost");
  }
}
