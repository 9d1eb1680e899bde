package dev.ociregistry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The passwords and tokens tests use, written down as they are made so that a later test can scan
 * every log the suite wrote for each of them ({@code LogsHoldNoSecretsTest}). The build names the
 * file in system property {@code testkit.secretsFile}; without it nothing is written down.
 */
public final class TestSecrets {
  /** The system property that names the file secrets are written to. */
  public static final String FILE_PROPERTY = "testkit.secretsFile";

  private TestSecrets() {}

  /** A fresh password for {@code who}, written down. */
  public static String password(String who) {
    String password = who + "-pw-" + UUID.randomUUID().toString().substring(0, 8);
    record(password);
    return password;
  }

  /** Writes down a secret the test did not make (a token the server issued). */
  public static void record(String secret) {
    String file = System.getProperty(FILE_PROPERTY);
    if (file == null || file.isBlank()) {
      return;
    }
    try {
      Path path = Path.of(file);
      Files.createDirectories(path.toAbsolutePath().getParent());
      synchronized (TestSecrets.class) {
        Files.writeString(
            path,
            secret + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
