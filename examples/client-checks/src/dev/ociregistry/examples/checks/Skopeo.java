package dev.ociregistry.examples.checks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code skopeo} run as a process, kept away from the user's configuration (a policy that
 * accepts anything, an empty auth file, no registries.conf). A missing {@code skopeo} fails the
 * test; it never skips it.
 */
final class Skopeo {
  private static final long TIMEOUT_SECONDS = 120;

  private final Path executable;
  private final Path home;

  private Skopeo(Path executable, Path home) {
    this.executable = executable;
    this.home = home;
  }

  /** The skopeo on the {@code PATH}, its configuration under {@code home}; fails when missing. */
  static Skopeo require(Path home) throws IOException {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "skopeo");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        Files.createDirectories(home.resolve("tmp"));
        Files.writeString(
            home.resolve("policy.json"), "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        Files.writeString(home.resolve("auth.json"), "{}");
        Files.writeString(home.resolve("registries.conf"), "");
        return new Skopeo(candidate, home);
      }
    }
    throw new AssertionError(
        "skopeo is not installed (not on PATH=" + path + "); apt-get install -y skopeo");
  }

  /** Runs skopeo with {@code arguments}, failing unless it exits 0; answers its output. */
  String run(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(executable.toString()));
    command.addAll(List.of("--policy", home.resolve("policy.json").toString()));
    command.addAll(List.of("--command-timeout", TIMEOUT_SECONDS + "s"));
    command.addAll(List.of(arguments));
    Path output = home.resolve("output.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Map<String, String> env = builder.environment();
    env.put("HOME", home.toString());
    env.put("XDG_RUNTIME_DIR", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
    env.put("REGISTRY_AUTH_FILE", home.resolve("auth.json").toString());
    env.put("CONTAINERS_REGISTRIES_CONF", home.resolve("registries.conf").toString());
    env.put("TMPDIR", home.resolve("tmp").toString());
    env.keySet()
        .removeAll(
            List.of("DOCKER_CONFIG", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"));
    env.put("NO_PROXY", "127.0.0.1,localhost");
    Process process = builder.start();
    if (!process.waitFor(TIMEOUT_SECONDS + 15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("skopeo did not end within its timeout: " + command);
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new AssertionError(
          "skopeo exited " + process.exitValue() + ": " + command + "\n" + text);
    }
    return text;
  }
}
