package dev.ociregistry.controller.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built controller jar running as a separate process, with exactly the environment a test gives
 * it and a working directory of its own. Its output is kept for assertions and failure messages.
 */
final class ControllerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on ([^ ]+):(\\d+) ");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Thread reader;

  private ControllerProcess(Process process) {
    this.process = process;
    reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  output.add(line);
                  Matcher matcher = LISTENING.matcher(line);
                  if (matcher.find()) {
                    port.complete(Integer.parseInt(matcher.group(2)));
                  }
                }
              } catch (IOException e) {
                // the process ended
              } finally {
                port.completeExceptionally(new IllegalStateException("controller ended: " + log()));
              }
            },
            "controller-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The jar built by {@code package}, as failsafe passes it. */
  static Path jar() {
    String jar = System.getProperty("controller.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "controller.jar is not built: run `mvn verify` (failsafe passes its path), got " + jar);
    }
    return Path.of(jar);
  }

  /** Starts the jar in {@code workDir} with only {@code env} (plus PATH) as its environment. */
  static ControllerProcess start(Path workDir, Map<String, String> env) throws IOException {
    return start(workDir, env, "256m");
  }

  /** Starts the jar with a maximum heap of {@code maxHeap} (a {@code -Xmx} value). */
  static ControllerProcess start(Path workDir, Map<String, String> env, String maxHeap)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-jar",
                jar().toString())
            .directory(workDir.toFile())
            .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    return new ControllerProcess(builder.start());
  }

  /** Starts the jar and waits until it listens. */
  static ControllerProcess started(Path workDir, Map<String, String> env) throws Exception {
    ControllerProcess controller = start(workDir, env);
    controller.awaitListening();
    return controller;
  }

  /** Waits for the "listening" log line; returns the port. */
  int awaitListening() throws Exception {
    return port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  URI base() throws Exception {
    return URI.create("http://127.0.0.1:" + awaitListening());
  }

  /**
   * Sends SIGTERM. Through the process handle, because {@link Process#destroy()} also closes our
   * end of its output, losing what it prints while it stops.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  /** Waits for the process to end; returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("controller still running after " + timeout + ": " + log());
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the process printed so far. */
  String log() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
