package dev.ociregistry.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code htpasswd} (apache2-utils, which {@code .ci/run} installs), run as an operator
 * would: the files the tests read are the files the real tool writes. A test fails when it is
 * missing.
 */
public final class Htpasswd {
  private Htpasswd() {}

  /** Adds or replaces {@code user} in {@code file} with a bcrypt hash ({@code htpasswd -B}). */
  public static void set(Path file, String user, String password) throws IOException {
    run(file, "-bB", user, password);
  }

  /**
   * Adds {@code user} with a hash of the given htpasswd flag: {@code -m}, {@code -s}, {@code -d}.
   */
  public static void setWith(Path file, String flag, String user, String password)
      throws IOException {
    run(file, "-b" + flag.substring(1), user, password);
  }

  /** Removes {@code user} ({@code htpasswd -D}). */
  public static void remove(Path file, String user) throws IOException {
    run(file, "-D", user, null);
  }

  private static void run(Path file, String flags, String user, String password)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("htpasswd"));
    if (!file.toFile().exists()) {
      command.add("-c");
    }
    command.add(flags);
    command.add(file.toString());
    command.add(user);
    if (password != null) {
      command.add(password);
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("htpasswd did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "htpasswd failed: "
              + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
