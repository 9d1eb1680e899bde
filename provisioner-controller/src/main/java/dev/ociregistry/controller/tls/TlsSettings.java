package dev.ociregistry.controller.tls;

import dev.ociregistry.controller.config.ConfigException;
import dev.ociregistry.controller.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the controller's HTTPS key and certificates come from, read from the environment: {@code
 * TLS_CERT_FILE} and {@code TLS_KEY_FILE} (PEM), or {@code TLS_KEYSTORE} (PKCS12) and {@code
 * TLS_KEYSTORE_PASSWORD_FILE}; none of them means plain HTTP. {@code TLS_RELOAD_INTERVAL} (default
 * {@code 1s}) is how often the files are checked for a change.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>accepts</th></tr>
 *   <tr><td>TLS_CERT_FILE</td><td>a PEM file: the server's certificate, then any intermediates
 *       (in any order; the one matching the key is served first)</td></tr>
 *   <tr><td>TLS_KEY_FILE</td><td>a PEM file with the unencrypted private key, RSA or EC: {@code
 *       BEGIN PRIVATE KEY} (PKCS#8), {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE
 *       KEY}; may be the same file as TLS_CERT_FILE</td></tr>
 *   <tr><td>TLS_KEYSTORE</td><td>a PKCS12 file with the private key and its chain</td></tr>
 *   <tr><td>TLS_KEYSTORE_PASSWORD_FILE</td><td>a file holding the keystore's password (a
 *       trailing newline is ignored); the keys must have the same password</td></tr>
 *   <tr><td>TLS_RELOAD_INTERVAL</td><td>a duration such as 500ms, 1s, 1m</td></tr>
 * </table>
 *
 * <p>The files are read and checked here, so that a missing file, a wrong password or a key that
 * does not match its certificate stops start-up; {@link TlsConnectors#https} reads them again and
 * {@link TlsReloader} whenever they change.
 *
 * @param source the files
 * @param reloadInterval how often the files are checked for a change
 */
public record TlsSettings(Source source, Duration reloadInterval) {
  public static final String CERT_FILE = "TLS_CERT_FILE";
  public static final String KEY_FILE = "TLS_KEY_FILE";
  public static final String KEYSTORE = "TLS_KEYSTORE";
  public static final String KEYSTORE_PASSWORD_FILE = "TLS_KEYSTORE_PASSWORD_FILE";
  public static final String RELOAD_INTERVAL = "TLS_RELOAD_INTERVAL";

  /** How often the files are checked for a change unless {@code TLS_RELOAD_INTERVAL} says. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(1);

  public TlsSettings {
    Objects.requireNonNull(source, "source");
    if (reloadInterval.isNegative() || reloadInterval.isZero()) {
      throw new IllegalArgumentException("the reload interval must be positive: " + reloadInterval);
    }
  }

  /** The files HTTPS is served from. */
  public sealed interface Source permits PemFiles, Pkcs12File {
    /** The files, as the variables name them. */
    List<Path> files();

    /** {@code VARIABLE=path, VARIABLE=path}, for messages. */
    String describe();
  }

  /** A PEM certificate chain and its private key. */
  public record PemFiles(Path certificateFile, Path keyFile) implements Source {
    @Override
    public List<Path> files() {
      return List.of(certificateFile, keyFile);
    }

    @Override
    public String describe() {
      return CERT_FILE + "=" + certificateFile + ", " + KEY_FILE + "=" + keyFile;
    }
  }

  /** A PKCS12 key store and the file holding its password. */
  public record Pkcs12File(Path keystoreFile, Path passwordFile) implements Source {
    @Override
    public List<Path> files() {
      return List.of(keystoreFile, passwordFile);
    }

    @Override
    public String describe() {
      return KEYSTORE + "=" + keystoreFile + ", " + KEYSTORE_PASSWORD_FILE + "=" + passwordFile;
    }
  }

  /** PEM files, checked every {@link #DEFAULT_RELOAD_INTERVAL}. */
  public static TlsSettings pem(Path certificateFile, Path keyFile) {
    return new TlsSettings(new PemFiles(certificateFile, keyFile), DEFAULT_RELOAD_INTERVAL);
  }

  /** A PKCS12 key store, checked every {@link #DEFAULT_RELOAD_INTERVAL}. */
  public static TlsSettings pkcs12(Path keystoreFile, Path passwordFile) {
    return new TlsSettings(new Pkcs12File(keystoreFile, passwordFile), DEFAULT_RELOAD_INTERVAL);
  }

  public TlsSettings withReloadInterval(Duration interval) {
    return new TlsSettings(source, interval);
  }

  /**
   * Reads the TLS variables and checks the files they name.
   *
   * @return empty when none of TLS_CERT_FILE, TLS_KEY_FILE, TLS_KEYSTORE and
   *     TLS_KEYSTORE_PASSWORD_FILE is set: plain HTTP
   * @throws ConfigException naming every variable that is wrong and what it accepts (one line
   *     each); never showing a password
   */
  public static Optional<TlsSettings> fromEnvironment(Map<String, String> env)
      throws ConfigException {
    Optional<Path> cert = path(env, CERT_FILE);
    Optional<Path> key = path(env, KEY_FILE);
    Optional<Path> keystore = path(env, KEYSTORE);
    Optional<Path> password = path(env, KEYSTORE_PASSWORD_FILE);
    List<String> problems = new ArrayList<>();
    Duration interval = DEFAULT_RELOAD_INTERVAL;
    String intervalText = env.getOrDefault(RELOAD_INTERVAL, "");
    if (!intervalText.isBlank()) {
      try {
        interval = Durations.parse(intervalText);
      } catch (IllegalArgumentException e) {
        interval = Duration.ZERO;
      }
      if (interval.isZero()) {
        problems.add(
            RELOAD_INTERVAL
                + "="
                + intervalText
                + " is not valid; it accepts a positive duration such as 500ms, 1s, 1m");
      }
    }
    boolean pem = cert.isPresent() || key.isPresent();
    boolean pkcs12 = keystore.isPresent() || password.isPresent();
    if (pem && pkcs12) {
      problems.add(
          "TLS_CERT_FILE/TLS_KEY_FILE and TLS_KEYSTORE/TLS_KEYSTORE_PASSWORD_FILE are both set;"
              + " set either a PEM certificate and key or a PKCS12 keystore and its password file");
    } else if (pem) {
      requireBoth(problems, CERT_FILE, cert, KEY_FILE, key, "a PEM file with the private key");
      requireBoth(
          problems, KEY_FILE, key, CERT_FILE, cert, "a PEM file with the certificate chain");
    } else if (pkcs12) {
      requireBoth(
          problems,
          KEYSTORE,
          keystore,
          KEYSTORE_PASSWORD_FILE,
          password,
          "a file holding the keystore's password");
      requireBoth(
          problems,
          KEYSTORE_PASSWORD_FILE,
          password,
          KEYSTORE,
          keystore,
          "a PKCS12 file with the private key and its certificate chain");
    } else if (problems.isEmpty()) {
      return Optional.empty();
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("\n", problems));
    }
    Source source =
        pem
            ? new PemFiles(cert.orElseThrow(), key.orElseThrow())
            : new Pkcs12File(keystore.orElseThrow(), password.orElseThrow());
    TlsFiles.load(source);
    return Optional.of(new TlsSettings(source, interval));
  }

  private static Optional<Path> path(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank()).map(Path::of);
  }

  private static void requireBoth(
      List<String> problems,
      String name,
      Optional<Path> value,
      String other,
      Optional<Path> otherValue,
      String otherAccepts) {
    if (value.isPresent() && otherValue.isEmpty()) {
      problems.add(
          name + " is set but " + other + " is not; " + other + " accepts " + otherAccepts);
    }
  }
}
