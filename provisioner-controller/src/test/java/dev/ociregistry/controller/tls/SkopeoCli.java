package dev.ociregistry.controller.tls;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;

/**
 * Debian's {@code skopeo} as a process, kept away from the user's configuration (an empty auth
 * file, a policy that accepts anything, no registries.conf, a private temporary directory), as the
 * interop module's {@code Skopeo} runs it. A missing {@code skopeo} fails the test.
 */
final class SkopeoCli {
  private static final long TIMEOUT_SECONDS = 60;

  private final Path executable;
  private final Path home;
  private final Path policy;
  private final Path authFile;
  private final Path registriesConf;
  private final Path tmp;

  SkopeoCli(Path home) throws IOException {
    this.executable = Tools.onPath("skopeo", "apt-get install -y skopeo");
    this.home = Files.createDirectories(home);
    this.policy =
        Files.writeString(
            home.resolve("policy.json"), "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
    this.authFile = Files.writeString(home.resolve("auth.json"), "{}");
    this.registriesConf = Files.writeString(home.resolve("registries.conf"), "");
    this.tmp = Files.createDirectories(home.resolve("tmp"));
  }

  /** Runs skopeo, whatever it exits with. */
  Tools.Result run(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(
        List.of(
            "--policy",
            policy.toString(),
            "--tmpdir",
            tmp.toString(),
            "--command-timeout",
            TIMEOUT_SECONDS + "s"));
    command.addAll(Arrays.asList(arguments));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put("HOME", home.toString());
    env.put("XDG_RUNTIME_DIR", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
    env.put("REGISTRY_AUTH_FILE", authFile.toString());
    env.put("CONTAINERS_REGISTRIES_CONF", registriesConf.toString());
    env.put("TMPDIR", tmp.toString());
    env.remove("DOCKER_CONFIG");
    env.remove("SSL_CERT_FILE");
    env.remove("SSL_CERT_DIR");
    for (String proxy : List.of("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")) {
      env.remove(proxy);
    }
    env.put("NO_PROXY", "127.0.0.1,localhost");
    Path stdout = Files.createTempFile(tmp, "stdout", ".txt");
    Path stderr = Files.createTempFile(tmp, "stderr", ".txt");
    builder.redirectOutput(stdout.toFile());
    builder.redirectError(stderr.toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process = builder.start();
    if (!process.waitFor(TIMEOUT_SECONDS + 15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      Assertions.fail("skopeo did not finish: %s", String.join(" ", command));
    }
    try {
      return new Tools.Result(
          List.copyOf(command),
          process.exitValue(),
          Files.readString(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      Files.delete(stdout);
      Files.delete(stderr);
    }
  }

  /** Runs skopeo and asserts it exits 0. */
  Tools.Result succeed(String... arguments) throws IOException, InterruptedException {
    Tools.Result result = run(arguments);
    Assertions.assertThat(result.exitCode()).as("skopeo failed:\n%s", result).isZero();
    return result;
  }
}
