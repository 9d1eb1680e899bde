package dev.ociregistry.controller.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The controller's configuration, read from environment variables with defaults that work on a
 * laptop: everything under {@code ./data}, port 8080, no authentication.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th><th>accepts</th></tr>
 *   <tr><td>LISTEN_ADDR</td><td>0.0.0.0:8080</td><td>host:port, :port, [ipv6]:port</td></tr>
 *   <tr><td>DATA_DIR</td><td>./data</td><td>a directory</td></tr>
 *   <tr><td>ENABLE_REGISTRY</td><td>true</td><td>true, false</td></tr>
 *   <tr><td>REGISTRY_STORAGE</td><td>$DATA_DIR/registry</td><td>a directory</td></tr>
 *   <tr><td>MEDIA_ROOT</td><td>$DATA_DIR/media</td><td>a directory</td></tr>
 *   <tr><td>REGISTRY_PUBLIC_HOSTS</td><td>(none)</td><td>comma-separated host[:port] names clients
 *       use for this registry, beside the Host of each request</td></tr>
 *   <tr><td>REGISTRY_AUTH_MODE</td><td>none</td><td>none</td></tr>
 *   <tr><td>REGISTRY_GC_INTERVAL</td><td>1h</td><td>a duration: 90s, 15m, 1h, 7d</td></tr>
 *   <tr><td>REGISTRY_GC_GRACE_PERIOD</td><td>24h</td><td>a duration</td></tr>
 *   <tr><td>REGISTRY_GC_DELETE_UNTAGGED</td><td>false</td><td>true, false</td></tr>
 *   <tr><td>REGISTRY_MAX_CONCURRENT_UPLOADS</td><td>8</td><td>1 to 1024</td></tr>
 *   <tr><td>REGISTRY_UPLOAD_TIMEOUT</td><td>1h</td><td>a duration</td></tr>
 *   <tr><td>REGISTRY_DOWNLOAD_TIMEOUT</td><td>30m</td><td>a duration</td></tr>
 *   <tr><td>READY_MIN_FREE_SPACE</td><td>1GiB</td><td>bytes, or with KiB, MiB, GiB, TiB</td></tr>
 *   <tr><td>LOG_LEVEL</td><td>info</td><td>trace, debug, info, warn, error</td></tr>
 * </table>
 */
public record ControllerConfig(
    InetSocketAddress listenAddress,
    Path dataDir,
    boolean registryEnabled,
    Path registryStorage,
    Path mediaRoot,
    List<String> publicHosts,
    AuthMode authMode,
    Duration gcInterval,
    Duration gcGracePeriod,
    boolean gcDeleteUntagged,
    int maxConcurrentUploads,
    Duration uploadTimeout,
    Duration downloadTimeout,
    long readyMinFreeBytes,
    String logLevel) {

  /** How {@code /v2} authenticates. */
  public enum AuthMode {
    NONE
  }

  private static final String A_DURATION = "a duration such as 90s, 15m, 1h, 7d";

  /** Grace periods shorter than this are accepted with a warning: they suit tests and demos. */
  public static final Duration SHORT_GRACE = Duration.ofMinutes(1);

  private static final Pattern LISTEN =
      Pattern.compile("(?:\\[([0-9a-fA-F:.]+)\\]|([^:\\[\\]]*)):(\\d{1,5})");
  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})(B|KiB|MiB|GiB|TiB)?");

  /**
   * Reads the configuration.
   *
   * @throws ConfigException naming every variable that is wrong and what it accepts
   */
  public static ControllerConfig fromEnvironment(Map<String, String> env) throws ConfigException {
    Reader reader = new Reader(env);
    InetSocketAddress listen =
        reader.read(
            "LISTEN_ADDR",
            "0.0.0.0:8080",
            "host:port, :port or [ipv6]:port",
            ControllerConfig::listen);
    Path dataDir = reader.read("DATA_DIR", "./data", "a directory path", Path::of);
    Boolean registryEnabled =
        reader.read("ENABLE_REGISTRY", "true", "true or false", ControllerConfig::bool);
    Path storage =
        reader.read(
            "REGISTRY_STORAGE",
            dataDir == null ? "./data/registry" : dataDir.resolve("registry").toString(),
            "a directory path",
            Path::of);
    Path media =
        reader.read(
            "MEDIA_ROOT",
            dataDir == null ? "./data/media" : dataDir.resolve("media").toString(),
            "a directory path",
            Path::of);
    List<String> publicHosts =
        reader.read(
            "REGISTRY_PUBLIC_HOSTS",
            "",
            "comma-separated host or host:port names",
            ControllerConfig::hosts);
    AuthMode authMode =
        reader.read(
            "REGISTRY_AUTH_MODE",
            "none",
            "none (basic and htpasswd come with authentication)",
            value -> AuthMode.valueOf(value.toUpperCase(Locale.ROOT)));
    Duration gcInterval =
        reader.read("REGISTRY_GC_INTERVAL", "1h", A_DURATION, ControllerConfig::positive);
    Duration grace = reader.read("REGISTRY_GC_GRACE_PERIOD", "24h", A_DURATION, Durations::parse);
    Boolean deleteUntagged =
        reader.read(
            "REGISTRY_GC_DELETE_UNTAGGED", "false", "true or false", ControllerConfig::bool);
    Integer uploads =
        reader.read(
            "REGISTRY_MAX_CONCURRENT_UPLOADS",
            "8",
            "a whole number from 1 to 1024",
            value -> range(value, 1, 1024));
    Duration uploadTimeout =
        reader.read("REGISTRY_UPLOAD_TIMEOUT", "1h", A_DURATION, ControllerConfig::positive);
    Duration downloadTimeout =
        reader.read("REGISTRY_DOWNLOAD_TIMEOUT", "30m", A_DURATION, ControllerConfig::positive);
    Long minFree =
        reader.read(
            "READY_MIN_FREE_SPACE",
            "1GiB",
            "a size such as 512MiB or 1GiB",
            ControllerConfig::size);
    String logLevel =
        reader.read(
            "LOG_LEVEL",
            "info",
            "trace, debug, info, warn or error",
            value -> {
              String level = value.toLowerCase(Locale.ROOT);
              if (!List.of("trace", "debug", "info", "warn", "error").contains(level)) {
                throw new IllegalArgumentException(value);
              }
              return level;
            });
    reader.throwIfAny();
    return new ControllerConfig(
        listen,
        dataDir,
        registryEnabled,
        storage,
        media,
        publicHosts,
        authMode,
        gcInterval,
        grace,
        deleteUntagged,
        uploads,
        uploadTimeout,
        downloadTimeout,
        minFree,
        logLevel);
  }

  /** Where the provisioning API keeps recipes and jobs. */
  public Path provisioningDir() {
    return dataDir.resolve("provisioning");
  }

  /** Whether the grace period is short enough to warn about. */
  public boolean hasShortGracePeriod() {
    return gcGracePeriod.compareTo(SHORT_GRACE) < 0;
  }

  private static InetSocketAddress listen(String value) {
    Matcher matcher = LISTEN.matcher(value.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(value);
    }
    String host = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
    int port = Integer.parseInt(matcher.group(3));
    if (port > 65535) {
      throw new IllegalArgumentException(value);
    }
    return InetSocketAddress.createUnresolved(host.isEmpty() ? "0.0.0.0" : host, port);
  }

  private static List<String> hosts(String value) {
    List<String> hosts = new ArrayList<>();
    for (String host : value.split(",")) {
      String trimmed = host.trim().toLowerCase(Locale.ROOT);
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!trimmed.matches("[a-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9a-f:.]+\\](:\\d{1,5})?")) {
        throw new IllegalArgumentException(value);
      }
      hosts.add(trimmed);
    }
    return List.copyOf(hosts);
  }

  private static boolean bool(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(value);
    };
  }

  private static Duration positive(String value) {
    Duration duration = Durations.parse(value);
    if (duration.isZero()) {
      throw new IllegalArgumentException(value);
    }
    return duration;
  }

  private static int range(String value, int min, int max) {
    int number = Integer.parseInt(value.trim());
    if (number < min || number > max) {
      throw new IllegalArgumentException(value);
    }
    return number;
  }

  private static long size(String value) {
    Matcher matcher = SIZE.matcher(value.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(value);
    }
    long amount = Long.parseLong(matcher.group(1));
    int shift =
        switch (matcher.group(2) == null ? "B" : matcher.group(2)) {
          case "KiB" -> 10;
          case "MiB" -> 20;
          case "GiB" -> 30;
          case "TiB" -> 40;
          default -> 0;
        };
    if (Long.numberOfLeadingZeros(amount) <= shift) {
      throw new IllegalArgumentException(value);
    }
    return amount << shift;
  }

  /** Reads variables and gathers every problem, so one start-up reports them all. */
  private static final class Reader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> env) {
      this.env = env;
    }

    <T> T read(String name, String fallback, String accepts, Function<String, T> parser) {
      String value = Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank()).orElse(fallback);
      try {
        return parser.apply(value);
      } catch (RuntimeException e) {
        problems.add(name + "=" + value + " is not valid; it accepts " + accepts);
        return null;
      }
    }

    void throwIfAny() throws ConfigException {
      if (!problems.isEmpty()) {
        throw new ConfigException(String.join("\n", problems));
      }
    }
  }
}
