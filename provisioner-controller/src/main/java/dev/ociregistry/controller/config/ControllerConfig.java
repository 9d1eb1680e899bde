package dev.ociregistry.controller.config;

import java.net.InetSocketAddress;
import java.net.URI;
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
 * laptop: everything under {@code ./data}, port 8080, no authentication. A variable set to a blank
 * value has its default. What each accepts is what its parser accepts, as the README's
 * configuration table says (the {@code TLS_*} variables are read by {@code TlsSettings}).
 *
 * <p>Durations are a whole number and a unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code
 * d} ({@code 500ms}, {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}; no fractions or
 * combinations), at most {@code 36500d}. Sizes are a whole number of bytes, alone or with {@code
 * B}, {@code KiB}, {@code MiB}, {@code GiB} or {@code TiB}, exactly so ({@code 1GB} and {@code
 * 1gib} are refused). Booleans are {@code true} or {@code false}, also {@code yes}/{@code no} and
 * {@code 1}/{@code 0}, in any case.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th><th>accepts</th></tr>
 *   <tr><td>LISTEN_ADDR</td><td>0.0.0.0:8080</td><td>host:port, :port (all addresses),
 *       [ipv6]:port; port 0 to 65535 (0: any free port)</td></tr>
 *   <tr><td>DATA_DIR</td><td>./data</td><td>a directory; the defaults below live in it</td></tr>
 *   <tr><td>ENABLE_REGISTRY</td><td>true</td><td>a boolean; false: no /v2, no GC</td></tr>
 *   <tr><td>REGISTRY_STORAGE</td><td>$DATA_DIR/registry</td><td>a directory</td></tr>
 *   <tr><td>REGISTRY_METADATA</td><td>filesystem</td><td>filesystem, postgres (in any case):
 *       postgres keeps tags, links, blob records, pins and uploads in PostgreSQL, so that several
 *       replicas share one registry</td></tr>
 *   <tr><td>REGISTRY_POSTGRES_URL</td><td>(none)</td><td>{@code
 *       jdbc:postgresql://host:port/database} (required with postgres)</td></tr>
 *   <tr><td>REGISTRY_POSTGRES_USER</td><td>registry</td><td>a role name</td></tr>
 *   <tr><td>REGISTRY_POSTGRES_PASSWORD_FILE</td><td>(none: trust or peer
 *       authentication)</td><td>a readable file holding the role's password</td></tr>
 *   <tr><td>REGISTRY_POSTGRES_POOL_SIZE</td><td>REGISTRY_MAX_CONCURRENT_UPLOADS + 8</td><td>a
 *       whole number from 2 to 1000: connections for records, and as many for locks</td></tr>
 *   <tr><td>REGISTRY_STORAGE_DRIVER</td><td>filesystem</td><td>filesystem, s3 (in any case): s3
 *       keeps blob content in a bucket and needs postgres metadata</td></tr>
 *   <tr><td>S3_BUCKET</td><td>(none)</td><td>an existing bucket (required with s3)</td></tr>
 *   <tr><td>S3_ENDPOINT</td><td>(AWS)</td><td>an http or https URL: MinIO, Ceph RGW,
 *       SeaweedFS</td></tr>
 *   <tr><td>S3_REGION</td><td>us-east-1</td><td>a region name</td></tr>
 *   <tr><td>S3_PATH_STYLE</td><td>false</td><td>a boolean; true puts the bucket in the path, as
 *       most stores other than AWS want</td></tr>
 *   <tr><td>S3_PART_SIZE</td><td>32MiB</td><td>a size from 5MiB to 5GiB</td></tr>
 *   <tr><td>MEDIA_ROOT</td><td>$DATA_DIR/media</td><td>a directory</td></tr>
 *   <tr><td>REGISTRY_PUBLIC_HOSTS</td><td>(none)</td><td>comma-separated host[:port] or
 *       [ipv6][:port] names (letters, digits, {@code .}, {@code -}; any case) that mean this
 *       registry in a recipe's oci_url</td></tr>
 *   <tr><td>TRUSTED_PROXIES</td><td>(none: forwarded headers are ignored)</td><td>comma-separated
 *       IPv4 or IPv6 addresses and CIDR blocks ({@code 127.0.0.1,10.0.0.0/8,::1}; no host names,
 *       no bits set beyond a block's prefix length): the reverse proxies whose {@code
 *       X-Forwarded-For}, {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} are
 *       believed</td></tr>
 *   <tr><td>REGISTRY_AUTH_MODE</td><td>none</td><td>none, basic (one user), htpasswd (the users
 *       of a file), in any case</td></tr>
 *   <tr><td>REGISTRY_BASIC_USER</td><td>(none)</td><td>the one user of basic: a name without
 *       {@code :} (required with basic)</td></tr>
 *   <tr><td>REGISTRY_BASIC_PASSWORD_FILE</td><td>(none)</td><td>a readable file holding that
 *       user's password, not empty (a final line break is dropped); or REGISTRY_BASIC_PASSWORD,
 *       the password itself; exactly one of the two with basic</td></tr>
 *   <tr><td>REGISTRY_HTPASSWD_FILE</td><td>(none)</td><td>the users of htpasswd, as {@code
 *       htpasswd -B} writes them (required with htpasswd)</td></tr>
 *   <tr><td>REGISTRY_HTPASSWD_ALLOW_WEAK</td><td>false</td><td>a boolean; true also accepts
 *       {@code $apr1$}, {@code {SHA}} and crypt hashes</td></tr>
 *   <tr><td>REGISTRY_ACCESS_POLICY_FILE</td><td>(none)</td><td>a JSON policy per repository
 *       glob</td></tr>
 *   <tr><td>METRICS_AUTH</td><td>false</td><td>a boolean; true: /metrics needs a logged-in
 *       user</td></tr>
 *   <tr><td>REGISTRY_ENABLE_AUDIT_LOG</td><td>false</td><td>a boolean</td></tr>
 *   <tr><td>REGISTRY_AUDIT_LOG_PATH</td><td>$DATA_DIR/audit.log</td><td>a file</td></tr>
 *   <tr><td>REGISTRY_GC_INTERVAL</td><td>1h</td><td>a duration above zero</td></tr>
 *   <tr><td>REGISTRY_GC_GRACE_PERIOD</td><td>24h</td><td>a duration, zero included (below a
 *       minute is accepted with a warning)</td></tr>
 *   <tr><td>REGISTRY_RETENTION_FILE</td><td>(none)</td><td>retention rules (JSON) per repository
 *       glob, applied before each scheduled GC</td></tr>
 *   <tr><td>REGISTRY_GC_DELETE_UNTAGGED</td><td>true</td><td>a boolean</td></tr>
 *   <tr><td>REGISTRY_MAX_CONCURRENT_UPLOADS</td><td>8</td><td>a whole number from 1 to
 *       1024</td></tr>
 *   <tr><td>REGISTRY_UPLOAD_QUEUE_TIMEOUT</td><td>1m</td><td>a duration, zero included: how long
 *       an upload beyond the cap waits for a slot before 429; 0s refuses at once</td></tr>
 *   <tr><td>REGISTRY_UPLOAD_TIMEOUT</td><td>1h</td><td>a duration above zero</td></tr>
 *   <tr><td>REGISTRY_DOWNLOAD_TIMEOUT</td><td>30m</td><td>a duration above zero</td></tr>
 *   <tr><td>READY_MIN_FREE_SPACE</td><td>1GiB</td><td>a size, zero included</td></tr>
 *   <tr><td>ACCESS_LOG_PATH</td><td>(stdout)</td><td>a file the access log is appended
 *       to</td></tr>
 *   <tr><td>REGISTRY_SCRUB_INTERVAL</td><td>(off)</td><td>a duration above zero: how often every
 *       blob is re-hashed and damaged ones quarantined</td></tr>
 *   <tr><td>REGISTRY_SCRUB_RATE</td><td>64MiB</td><td>a size above zero: bytes a second a scrub
 *       reads at most</td></tr>
 *   <tr><td>METRICS_ADDR</td><td>(the main port)</td><td>as LISTEN_ADDR: {@code /metrics} alone,
 *       on a port of its own (plain HTTP)</td></tr>
 *   <tr><td>LOG_LEVEL</td><td>info</td><td>trace, debug, info, warn, error, in any case</td></tr>
 *   <tr><td>LOG_FORMAT</td><td>text</td><td>text, json (one JSON object per line), in any
 *       case</td></tr>
 * </table>
 */
public record ControllerConfig(
    InetSocketAddress listenAddress,
    Path dataDir,
    boolean registryEnabled,
    Path registryStorage,
    RegistryBackend backend,
    Path mediaRoot,
    List<String> publicHosts,
    List<AddressBlock> trustedProxies,
    Auth auth,
    Optional<Path> auditLog,
    Optional<Path> retentionFile,
    Optional<Path> accessLog,
    Duration gcInterval,
    Duration gcGracePeriod,
    boolean gcDeleteUntagged,
    int maxConcurrentUploads,
    Duration uploadQueueTimeout,
    Duration uploadTimeout,
    Duration downloadTimeout,
    long readyMinFreeBytes,
    Optional<Duration> scrubInterval,
    long scrubBytesPerSecond,
    Optional<InetSocketAddress> metricsAddress,
    String logLevel,
    LogFormat logFormat) {

  /** How log lines are written. */
  public enum LogFormat {
    /** Time, thread, level, logger and message on one line. */
    TEXT,
    /** One JSON object per line. */
    JSON
  }

  /** How requests authenticate. */
  public enum AuthMode {
    /** Nobody logs in; everything is open. */
    NONE,
    /** One user, named by the configuration. */
    BASIC,
    /** The users of an htpasswd file. */
    HTPASSWD
  }

  /**
   * Authentication and access control.
   *
   * @param basicUser the user of {@link AuthMode#BASIC}
   * @param basicPassword their password, from {@code REGISTRY_BASIC_PASSWORD_FILE} or {@code
   *     REGISTRY_BASIC_PASSWORD}
   * @param htpasswdFile the users of {@link AuthMode#HTPASSWD}
   * @param allowWeakHashes whether htpasswd entries other than bcrypt are accepted
   * @param policyFile who may do what; without one, authenticated users may do everything
   * @param metricsNeedAuth whether {@code /metrics} needs a logged-in user
   */
  public record Auth(
      AuthMode mode,
      Optional<String> basicUser,
      Optional<Secret> basicPassword,
      Optional<Path> htpasswdFile,
      boolean allowWeakHashes,
      Optional<Path> policyFile,
      boolean metricsNeedAuth) {
    /** No authentication. */
    public static final Auth NONE =
        new Auth(
            AuthMode.NONE,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false,
            Optional.empty(),
            false);
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
    RegistryBackend backend = backend(reader);
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
    List<AddressBlock> trustedProxies =
        reader.read(
            "TRUSTED_PROXIES",
            "",
            "comma-separated IPv4 or IPv6 addresses and CIDR blocks such as"
                + " 127.0.0.1,10.0.0.0/8,::1 (no host names, no bits set beyond a block's prefix"
                + " length)",
            AddressBlock::parseList);
    Auth auth = auth(reader);
    Boolean audit =
        reader.read("REGISTRY_ENABLE_AUDIT_LOG", "false", "true or false", ControllerConfig::bool);
    Path auditPath =
        reader.read(
            "REGISTRY_AUDIT_LOG_PATH",
            dataDir == null ? "./data/audit.log" : dataDir.resolve("audit.log").toString(),
            "a file path",
            Path::of);
    Optional<Path> auditLog =
        Boolean.TRUE.equals(audit) ? Optional.ofNullable(auditPath) : Optional.empty();
    Optional<Path> retentionFile = reader.optional("REGISTRY_RETENTION_FILE").map(Path::of);
    Optional<Path> accessLog = reader.optional("ACCESS_LOG_PATH").map(Path::of);
    Duration gcInterval =
        reader.read("REGISTRY_GC_INTERVAL", "1h", A_DURATION, ControllerConfig::positive);
    Duration grace = reader.read("REGISTRY_GC_GRACE_PERIOD", "24h", A_DURATION, Durations::parse);
    Boolean deleteUntagged =
        reader.read("REGISTRY_GC_DELETE_UNTAGGED", "true", "true or false", ControllerConfig::bool);
    Integer uploads =
        reader.read(
            "REGISTRY_MAX_CONCURRENT_UPLOADS",
            "8",
            "a whole number from 1 to 1024",
            value -> range(value, 1, 1024));
    Duration uploadQueueTimeout =
        reader.read("REGISTRY_UPLOAD_QUEUE_TIMEOUT", "1m", A_DURATION, Durations::parse);
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
    Optional<Duration> scrubInterval =
        reader.optional("REGISTRY_SCRUB_INTERVAL", A_DURATION, ControllerConfig::positive);
    Long scrubRate =
        reader.read(
            "REGISTRY_SCRUB_RATE",
            "64MiB",
            "bytes a second, above 0, such as 16MiB or 1GiB",
            value -> {
              long bytes = size(value);
              if (bytes <= 0) {
                throw new IllegalArgumentException(value);
              }
              return bytes;
            });
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
    Optional<InetSocketAddress> metricsAddress =
        reader.optional(
            "METRICS_ADDR", "host:port, :port or [ipv6]:port", ControllerConfig::listen);
    LogFormat logFormat = reader.choice("LOG_FORMAT", "text", "text or json", LogFormat.class);
    reader.throwIfAny();
    return new ControllerConfig(
        listen,
        dataDir,
        registryEnabled,
        storage,
        backend,
        media,
        publicHosts,
        trustedProxies,
        auth,
        auditLog,
        retentionFile,
        accessLog,
        gcInterval,
        grace,
        deleteUntagged,
        uploads,
        uploadQueueTimeout,
        uploadTimeout,
        downloadTimeout,
        minFree,
        scrubInterval,
        scrubRate,
        metricsAddress,
        logLevel,
        logFormat);
  }

  private static RegistryBackend backend(Reader reader) {
    RegistryBackend.Metadata metadata =
        reader.choice(
            "REGISTRY_METADATA",
            "filesystem",
            "filesystem or postgres",
            RegistryBackend.Metadata.class);
    RegistryBackend.ContentDriver driver =
        reader.choice(
            "REGISTRY_STORAGE_DRIVER",
            "filesystem",
            "filesystem or s3",
            RegistryBackend.ContentDriver.class);
    Optional<RegistryBackend.Postgres> postgres = Optional.empty();
    if (metadata == RegistryBackend.Metadata.POSTGRES) {
      Optional<String> url = reader.optional("REGISTRY_POSTGRES_URL");
      if (url.isEmpty() || !url.get().startsWith("jdbc:postgresql:")) {
        reader.problem(
            "REGISTRY_POSTGRES_URL must name the database, jdbc:postgresql://host:port/database,"
                + " when REGISTRY_METADATA=postgres");
      }
      String user = reader.read("REGISTRY_POSTGRES_USER", "registry", "a role name", String::trim);
      Optional<Secret> password =
          reader
              .optional("REGISTRY_POSTGRES_PASSWORD_FILE")
              .flatMap(file -> reader.secretFile("REGISTRY_POSTGRES_PASSWORD_FILE", file));
      String uploads = reader.optional("REGISTRY_MAX_CONCURRENT_UPLOADS").orElse("8");
      Integer pool =
          reader.read(
              "REGISTRY_POSTGRES_POOL_SIZE",
              String.valueOf(parsedOr(uploads, 8) + 8),
              "a whole number from 2 to 1000",
              value -> range(value, 2, 1000));
      if (url.isPresent() && pool != null) {
        postgres =
            Optional.of(new RegistryBackend.Postgres(url.get().trim(), user, password, pool));
      }
    }
    Optional<RegistryBackend.S3> s3 = Optional.empty();
    if (driver == RegistryBackend.ContentDriver.S3) {
      if (metadata == RegistryBackend.Metadata.FILESYSTEM) {
        reader.problem(
            "REGISTRY_STORAGE_DRIVER=s3 needs REGISTRY_METADATA=postgres: on the filesystem a blob's"
                + " record is its content file");
      }
      Optional<String> bucket = reader.optional("S3_BUCKET").map(String::trim);
      if (bucket.isEmpty()) {
        reader.problem("S3_BUCKET must name the bucket when REGISTRY_STORAGE_DRIVER=s3");
      }
      Optional<URI> endpoint =
          reader.optional("S3_ENDPOINT", "an http or https URL", ControllerConfig::endpoint);
      String region = reader.read("S3_REGION", "us-east-1", "a region name", String::trim);
      Boolean pathStyle =
          reader.read("S3_PATH_STYLE", "false", "true or false", ControllerConfig::bool);
      Long partSize =
          reader.read(
              "S3_PART_SIZE",
              "32MiB",
              "a size from 5MiB to 5GiB",
              value -> {
                long bytes = size(value);
                if (bytes < 5L << 20 || bytes > 5L << 30) {
                  throw new IllegalArgumentException(value);
                }
                return bytes;
              });
      if (bucket.isPresent() && pathStyle != null && partSize != null) {
        s3 =
            Optional.of(
                new RegistryBackend.S3(endpoint, bucket.get(), region, pathStyle, partSize));
      }
    }
    if (metadata == null || driver == null) {
      return RegistryBackend.FILESYSTEM;
    }
    return new RegistryBackend(metadata, driver, postgres, s3);
  }

  private static int parsedOr(String value, int fallback) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static URI endpoint(String value) {
    URI uri = URI.create(value.trim());
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(value);
    }
    return uri;
  }

  private static Auth auth(Reader reader) {
    AuthMode mode =
        reader.choice("REGISTRY_AUTH_MODE", "none", "none, basic or htpasswd", AuthMode.class);
    Boolean allowWeak =
        reader.read(
            "REGISTRY_HTPASSWD_ALLOW_WEAK", "false", "true or false", ControllerConfig::bool);
    Boolean metricsAuth =
        reader.read("METRICS_AUTH", "false", "true or false", ControllerConfig::bool);
    Optional<Path> policy = reader.optional("REGISTRY_ACCESS_POLICY_FILE").map(Path::of);
    Optional<String> user = reader.optional("REGISTRY_BASIC_USER").map(String::trim);
    Optional<String> passwordFile = reader.optional("REGISTRY_BASIC_PASSWORD_FILE");
    Optional<String> password = reader.optional("REGISTRY_BASIC_PASSWORD");
    Optional<Path> htpasswd = reader.optional("REGISTRY_HTPASSWD_FILE").map(Path::of);
    Optional<Secret> secret = Optional.empty();
    if (mode == AuthMode.BASIC) {
      if (user.isEmpty() || user.get().contains(":")) {
        reader.problem(
            "REGISTRY_BASIC_USER must name the user (no ':') when REGISTRY_AUTH_MODE=basic");
      }
      if (passwordFile.isPresent() == password.isPresent()) {
        reader.problem(
            "REGISTRY_AUTH_MODE=basic takes the password from one of REGISTRY_BASIC_PASSWORD_FILE"
                + " (a file holding it) or REGISTRY_BASIC_PASSWORD");
      } else if (passwordFile.isPresent()) {
        secret = reader.secretFile("REGISTRY_BASIC_PASSWORD_FILE", passwordFile.get());
      } else {
        secret = Optional.of(new Secret(password.get()));
      }
    }
    if (mode == AuthMode.HTPASSWD && htpasswd.isEmpty()) {
      reader.problem(
          "REGISTRY_HTPASSWD_FILE must name the htpasswd file when REGISTRY_AUTH_MODE=htpasswd");
    }
    if (mode == null || allowWeak == null || metricsAuth == null) {
      return Auth.NONE;
    }
    return new Auth(mode, user, secret, htpasswd, allowWeak, policy, metricsAuth);
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

    /** One of {@code type}'s constants, named in any case. */
    <E extends Enum<E>> E choice(String name, String fallback, String accepts, Class<E> type) {
      return read(
          name,
          fallback,
          accepts,
          value -> Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT)));
    }

    /** The variable's value, when it is set and not blank. */
    Optional<String> optional(String name) {
      return Optional.ofNullable(env.get(name)).filter(value -> !value.isBlank());
    }

    /** The variable's parsed value, when it is set and not blank. */
    <T> Optional<T> optional(String name, String accepts, Function<String, T> parser) {
      Optional<String> value = optional(name);
      return value.isEmpty()
          ? Optional.empty()
          : Optional.ofNullable(read(name, value.get(), accepts, parser));
    }

    void problem(String message) {
      problems.add(message);
    }

    /** A secret read from a file (its last line break dropped); a problem when unreadable. */
    Optional<Secret> secretFile(String name, String file) {
      try {
        String content = java.nio.file.Files.readString(Path.of(file));
        String secret =
            content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        secret = secret.endsWith("\r") ? secret.substring(0, secret.length() - 1) : secret;
        if (secret.isEmpty()) {
          problems.add(name + "=" + file + " is empty; it must hold the password");
          return Optional.empty();
        }
        return Optional.of(new Secret(secret));
      } catch (java.io.IOException | RuntimeException e) {
        problems.add(name + "=" + file + " cannot be read; it accepts a readable file");
        return Optional.empty();
      }
    }

    void throwIfAny() throws ConfigException {
      if (!problems.isEmpty()) {
        throw new ConfigException(String.join("\n", problems));
      }
    }
  }
}
