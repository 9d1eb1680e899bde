package dev.ociregistry.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a command-line tool the tests use (skopeo, keytool, openssl) as a process: no input, its
 * output kept whole, and a deadline after which the test fails.
 */
public final class Commands {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Commands() {}

  /** What one run of a tool did. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** What the tool printed, parsed as JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(stdout);
      } catch (IOException e) {
        throw new AssertionError("the tool printed no JSON: " + this, e);
      }
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + "\nexit code: "
          + exitCode
          + "\nstdout:\n"
          + stdout
          + "\nstderr:\n"
          + stderr;
    }
  }

  /**
   * Runs {@code command} in {@code workDir}, with the environment {@code environment} adjusts,
   * whatever it exits with.
   *
   * @throws AssertionError when it does not finish within {@code timeout}
   */
  public static Result run(
      List<String> command,
      Path workDir,
      Consumer<Map<String, String>> environment,
      Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    environment.accept(builder.environment());
    Path stdout = Files.createTempFile(workDir, "stdout", ".txt");
    Path stderr = Files.createTempFile(workDir, "stderr", ".txt");
    try {
      builder.redirectOutput(stdout.toFile());
      builder.redirectError(stderr.toFile());
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish within "
                + timeout
                + "\nstderr so far:\n"
                + Files.readString(stderr, StandardCharsets.UTF_8));
      }
      return new Result(
          List.copyOf(command),
          process.exitValue(),
          Files.readString(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }
}
