package dev.ociregistry.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
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
 * A runnable jar in a process of its own, as users start it: exactly the environment a test gives
 * (plus {@code PATH}), a working directory of its own, its output kept for assertions and failure
 * messages. The port comes from the line it logs when it listens ({@code listening on host:port}).
 */
public final class JarProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on ([^ ]+):(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * A system property holding one more JVM argument for every jar started: the build sets it to the
   * coverage agent, so that what the jar runs counts towards its module's coverage.
   */
  public static final String FORKED_JVM_ARGS = "testkit.forkedJvmArgs";

  /** A system property naming a directory where each process's output is copied. */
  public static final String PROCESS_LOGS = "testkit.processLogs";

  private final Process process;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Thread reader;

  private JarProcess(Process process) {
    this.process = process;
    reader = new Thread(this::readOutput, "jar-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The jar at the path of system property {@code property}, as failsafe passes it.
   *
   * @throws IllegalStateException when it is not set or not built
   */
  public static Path jarFromProperty(String property) {
    String jar = System.getProperty(property);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          property + " is not built: run `mvn verify` (failsafe passes its path), got " + jar);
    }
    return Path.of(jar);
  }

  /**
   * Starts {@code java <jvmArgs> -jar jar} in {@code workDir} with only {@code env} (plus PATH) as
   * its environment, with this JVM's {@code java}.
   */
  public static JarProcess start(Path jar, Path workDir, Map<String, String> env, String... jvmArgs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String forked = System.getProperty(FORKED_JVM_ARGS, "").trim();
    if (!forked.isEmpty()) {
      command.add(forked);
    }
    command.addAll(List.of(jvmArgs));
    command.add("-jar");
    command.add(jar.toString());
    return startCommand(command, workDir, env);
  }

  /**
   * Starts {@code command} (a launcher script that runs a jar, say) in {@code workDir} with only
   * {@code env} (plus PATH) as its environment.
   */
  public static JarProcess startCommand(List<String> command, Path workDir, Map<String, String> env)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    return new JarProcess(builder.start());
  }

  private void readOutput() {
    try (BufferedReader lines =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer copy = logCopy()) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.add(line);
        copy.write(line);
        copy.write('\n');
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          port.complete(Integer.parseInt(matcher.group(2)));
        }
      }
    } catch (IOException e) {
      // the process ended
    } finally {
      port.completeExceptionally(new IllegalStateException("process ended: " + log()));
    }
  }

  /**
   * Where the process's output is copied as it comes, for scans after the suite: a file in the
   * directory system property {@code testkit.processLogs} names, or nowhere.
   */
  private Writer logCopy() throws IOException {
    String directory = System.getProperty(PROCESS_LOGS);
    if (directory == null || directory.isBlank()) {
      return Writer.nullWriter();
    }
    Path logs = Files.createDirectories(Path.of(directory));
    return Files.newBufferedWriter(logs.resolve("process-" + process.pid() + ".log"));
  }

  /** Waits for the "listening" log line; returns the port. */
  public int awaitListening() throws Exception {
    return port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** {@code http://127.0.0.1:<port>}, once it listens. */
  public URI base() throws Exception {
    return URI.create("http://127.0.0.1:" + awaitListening());
  }

  /**
   * Sends SIGTERM. Through the process handle, because {@link Process#destroy()} also closes our
   * end of its output, losing what it prints while it stops.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Sends SIGKILL, as a crash would end it. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  /** Waits for the process to end; returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("process still running after " + timeout + ": " + log());
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Everything the process printed so far. */
  public String log() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  /** Stops the process: SIGTERM, and SIGKILL when it has not ended 30 seconds later. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
