package dev.ociregistry.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading the controller's environment: defaults, every variable, and clear refusals. */
class ControllerConfigTest {
  @Test
  void emptyEnvironmentGivesLaptopDefaults() throws Exception {
    ControllerConfig config = ControllerConfig.fromEnvironment(Map.of());

    assertThat(config.listenAddress().getHostString()).isEqualTo("0.0.0.0");
    assertThat(config.listenAddress().getPort()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.registryEnabled()).isTrue();
    assertThat(config.registryStorage()).isEqualTo(Path.of("./data/registry"));
    assertThat(config.mediaRoot()).isEqualTo(Path.of("./data/media"));
    assertThat(config.provisioningDir()).isEqualTo(Path.of("./data/provisioning"));
    assertThat(config.auth()).isEqualTo(ControllerConfig.Auth.NONE);
    assertThat(config.gcInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(config.gcGracePeriod()).isEqualTo(Duration.ofHours(24));
    assertThat(config.gcDeleteUntagged()).isTrue();
    assertThat(config.maxConcurrentUploads()).isEqualTo(8);
    assertThat(config.uploadQueueTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.uploadTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(config.downloadTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.readyMinFreeBytes()).isEqualTo(1L << 30);
    assertThat(config.logLevel()).isEqualTo("info");
    assertThat(config.logFormat()).isEqualTo(ControllerConfig.LogFormat.TEXT);
    assertThat(config.metricsAddress()).isEmpty();
    assertThat(config.scrubInterval()).as("off").isEmpty();
    assertThat(config.scrubBytesPerSecond()).isEqualTo(64L << 20);
    assertThat(config.publicHosts()).isEmpty();
    assertThat(config.trustedProxies()).as("forwarded headers ignored").isEmpty();
    assertThat(config.hasShortGracePeriod()).isFalse();
  }

  @Test
  void everyVariableIsRead() throws Exception {
    ControllerConfig config =
        ControllerConfig.fromEnvironment(
            Map.ofEntries(
                Map.entry("LISTEN_ADDR", "127.0.0.1:9090"),
                Map.entry("DATA_DIR", "/srv/ctl"),
                Map.entry("ENABLE_REGISTRY", "false"),
                Map.entry("REGISTRY_STORAGE", "/srv/oci"),
                Map.entry("MEDIA_ROOT", "/srv/media"),
                Map.entry("REGISTRY_PUBLIC_HOSTS", "Controller.example.com:8080, 10.0.0.5"),
                Map.entry("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1"),
                Map.entry("REGISTRY_AUTH_MODE", "none"),
                Map.entry("REGISTRY_GC_INTERVAL", "15m"),
                Map.entry("REGISTRY_GC_GRACE_PERIOD", "5s"),
                Map.entry("REGISTRY_GC_DELETE_UNTAGGED", "false"),
                Map.entry("REGISTRY_MAX_CONCURRENT_UPLOADS", "2"),
                Map.entry("REGISTRY_UPLOAD_QUEUE_TIMEOUT", "0s"),
                Map.entry("REGISTRY_UPLOAD_TIMEOUT", "7d"),
                Map.entry("REGISTRY_DOWNLOAD_TIMEOUT", "90s"),
                Map.entry("READY_MIN_FREE_SPACE", "512MiB"),
                Map.entry("LOG_LEVEL", "DEBUG"),
                Map.entry("LOG_FORMAT", "JSON"),
                Map.entry("METRICS_ADDR", "127.0.0.1:5001"),
                Map.entry("REGISTRY_SCRUB_INTERVAL", "7d"),
                Map.entry("REGISTRY_SCRUB_RATE", "16MiB")));

    assertThat(config.listenAddress().getHostString()).isEqualTo("127.0.0.1");
    assertThat(config.listenAddress().getPort()).isEqualTo(9090);
    assertThat(config.registryEnabled()).isFalse();
    assertThat(config.registryStorage()).isEqualTo(Path.of("/srv/oci"));
    assertThat(config.mediaRoot()).isEqualTo(Path.of("/srv/media"));
    assertThat(config.provisioningDir()).isEqualTo(Path.of("/srv/ctl/provisioning"));
    assertThat(config.publicHosts()).containsExactly("controller.example.com:8080", "10.0.0.5");
    assertThat(config.trustedProxies())
        .map(AddressBlock::toString)
        .containsExactly("127.0.0.1", "10.0.0.0/8", "::1");
    assertThat(config.gcInterval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.gcGracePeriod()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.hasShortGracePeriod()).isTrue();
    assertThat(config.gcDeleteUntagged()).isFalse();
    assertThat(config.maxConcurrentUploads()).isEqualTo(2);
    assertThat(config.uploadQueueTimeout()).isZero();
    assertThat(config.uploadTimeout()).isEqualTo(Duration.ofDays(7));
    assertThat(config.downloadTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.readyMinFreeBytes()).isEqualTo(512L << 20);
    assertThat(config.logLevel()).isEqualTo("debug");
    assertThat(config.logFormat()).isEqualTo(ControllerConfig.LogFormat.JSON);
    assertThat(config.metricsAddress())
        .hasValueSatisfying(address -> assertThat(address.getPort()).isEqualTo(5001));
    assertThat(config.scrubInterval()).contains(Duration.ofDays(7));
    assertThat(config.scrubBytesPerSecond()).isEqualTo(16L << 20);
  }

  @Test
  void dataDirMovesStorageMediaAndProvisioningTogether() throws Exception {
    ControllerConfig config = ControllerConfig.fromEnvironment(Map.of("DATA_DIR", "/var/lib/ctl"));

    assertThat(config.registryStorage()).isEqualTo(Path.of("/var/lib/ctl/registry"));
    assertThat(config.mediaRoot()).isEqualTo(Path.of("/var/lib/ctl/media"));
  }

  @Test
  void ipv6AndPortOnlyListenAddressesAreRead() throws Exception {
    assertThat(
            ControllerConfig.fromEnvironment(Map.of("LISTEN_ADDR", "[::1]:8443"))
                .listenAddress()
                .getHostString())
        .isEqualTo("::1");
    assertThat(
            ControllerConfig.fromEnvironment(Map.of("LISTEN_ADDR", ":7000"))
                .listenAddress()
                .getPort())
        .isEqualTo(7000);
  }

  @ParameterizedTest
  @CsvSource({
    "LISTEN_ADDR, localhost, host:port",
    "LISTEN_ADDR, 0.0.0.0:99999, host:port",
    "ENABLE_REGISTRY, maybe, true or false",
    "REGISTRY_AUTH_MODE, ldap, none",
    "REGISTRY_GC_INTERVAL, 1 hour, 90s",
    "REGISTRY_GC_INTERVAL, 0s, 90s",
    "REGISTRY_GC_GRACE_PERIOD, -5m, 90s",
    "REGISTRY_GC_DELETE_UNTAGGED, sometimes, true or false",
    "REGISTRY_MAX_CONCURRENT_UPLOADS, 0, 1 to 1024",
    "REGISTRY_MAX_CONCURRENT_UPLOADS, lots, 1 to 1024",
    "REGISTRY_UPLOAD_QUEUE_TIMEOUT, a while, 90s",
    "REGISTRY_UPLOAD_TIMEOUT, 10 years, 90s",
    "REGISTRY_DOWNLOAD_TIMEOUT, 30, 90s",
    "READY_MIN_FREE_SPACE, 1GB, 512MiB",
    "LOG_LEVEL, verbose, trace",
    "REGISTRY_PUBLIC_HOSTS, http://x/, host:port",
    "TRUSTED_PROXIES, proxy.example.org, IPv4 or IPv6 addresses and CIDR blocks",
    "TRUSTED_PROXIES, 10.0.0.0/33, IPv4 or IPv6 addresses and CIDR blocks",
    "TRUSTED_PROXIES, 10.1.2.3/8, no bits set beyond a block",
    "REGISTRY_METADATA, mysql, filesystem or postgres",
    "REGISTRY_STORAGE_DRIVER, gcs, filesystem or s3"
  })
  void badValueStopsWithMessageNamingVariableAndWhatItAccepts(
      String variable, String value, String accepted) {
    assertThatThrownBy(() -> ControllerConfig.fromEnvironment(Map.of(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(variable + "=" + value + " is not valid")
        .hasMessageContaining(accepted);
  }

  @Test
  void theFilesystemIsTheDefaultBackend() throws Exception {
    assertThat(ControllerConfig.fromEnvironment(Map.of()).backend())
        .isEqualTo(RegistryBackend.FILESYSTEM);
    assertThat(RegistryBackend.FILESYSTEM.describe(Path.of("/srv/registry")))
        .isEqualTo("/srv/registry");
  }

  @Test
  void replicasShareMetadataInPostgresAndContentInS3(@TempDir Path dir) throws Exception {
    Path password = dir.resolve("pg-password");
    Files.writeString(password, "s3cret\n");
    ControllerConfig config =
        ControllerConfig.fromEnvironment(
            Map.of(
                "REGISTRY_METADATA", "Postgres",
                "REGISTRY_POSTGRES_URL",
                    "jdbc:postgresql://db.example:5432/registry?ssl=true&password=inurl",
                "REGISTRY_POSTGRES_USER", "ctl",
                "REGISTRY_POSTGRES_PASSWORD_FILE", password.toString(),
                "REGISTRY_MAX_CONCURRENT_UPLOADS", "16",
                "REGISTRY_STORAGE_DRIVER", "s3",
                "S3_BUCKET", "images",
                "S3_ENDPOINT", "http://minio.example:9000",
                "S3_PATH_STYLE", "true",
                "S3_PART_SIZE", "64MiB"));
    RegistryBackend backend = config.backend();
    assertThat(backend.isShared()).isTrue();
    RegistryBackend.Postgres postgres = backend.postgres().orElseThrow();
    assertThat(postgres.user()).isEqualTo("ctl");
    assertThat(postgres.password().orElseThrow().reveal()).isEqualTo("s3cret");
    assertThat(postgres.poolSize()).isEqualTo(24);
    RegistryBackend.S3 s3 = backend.s3().orElseThrow();
    assertThat(s3.bucket()).isEqualTo("images");
    assertThat(s3.region()).isEqualTo("us-east-1");
    assertThat(s3.pathStyle()).isTrue();
    assertThat(s3.partSize()).isEqualTo(64L << 20);
    assertThat(backend.describe(Path.of("/srv")))
        .isEqualTo(
            "metadata jdbc:postgresql://db.example:5432/registry, content s3://images at"
                + " http://minio.example:9000")
        .doesNotContain("s3cret");
    assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("inurl");
  }

  @Test
  void aSharedBackendWithoutWhatItNeedsStopsStartUpSayingWhat() {
    assertThatThrownBy(
            () ->
                ControllerConfig.fromEnvironment(
                    Map.of("REGISTRY_STORAGE_DRIVER", "s3", "S3_ENDPOINT", "ftp://x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("REGISTRY_STORAGE_DRIVER=s3 needs REGISTRY_METADATA=postgres")
        .hasMessageContaining("S3_BUCKET must name the bucket")
        .hasMessageContaining("S3_ENDPOINT=ftp://x is not valid");
    assertThatThrownBy(
            () ->
                ControllerConfig.fromEnvironment(
                    Map.of(
                        "REGISTRY_METADATA", "postgres",
                        "REGISTRY_POSTGRES_URL", "postgres://db/registry",
                        "REGISTRY_POSTGRES_POOL_SIZE", "1",
                        "REGISTRY_STORAGE_DRIVER", "s3",
                        "S3_BUCKET", "b",
                        "S3_PART_SIZE", "1MiB")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("REGISTRY_POSTGRES_URL must name the database")
        .hasMessageContaining("REGISTRY_POSTGRES_POOL_SIZE=1 is not valid")
        .hasMessageContaining("S3_PART_SIZE=1MiB is not valid");
  }

  @Test
  void everyBadVariableIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                ControllerConfig.fromEnvironment(
                    Map.of(
                        "LOG_LEVEL",
                        "loud",
                        "REGISTRY_GC_INTERVAL",
                        "often",
                        "LOG_FORMAT",
                        "xml",
                        "METRICS_ADDR",
                        "5001",
                        "REGISTRY_SCRUB_RATE",
                        "0",
                        "REGISTRY_SCRUB_INTERVAL",
                        "0s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LOG_FORMAT=xml is not valid; it accepts text or json")
        .hasMessageContaining("METRICS_ADDR=5001 is not valid")
        .hasMessageContaining("REGISTRY_SCRUB_RATE=0 is not valid")
        .hasMessageContaining("REGISTRY_SCRUB_INTERVAL=0s is not valid")
        .hasMessageContaining("LOG_LEVEL=loud")
        .hasMessageContaining("REGISTRY_GC_INTERVAL=often");
  }

  @Test
  void durationsReadAndWriteTheDocumentedUnits() {
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofHours(48))).isEqualTo("2d");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThatThrownBy(() -> Durations.parse("1.5h")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void authModesReadTheirUsersAndKeepPasswordsOutOfPrintedConfiguration(@TempDir Path dir)
      throws Exception {
    Path passwordFile = Files.writeString(dir.resolve("password"), "from-a-file\r\n");

    ControllerConfig basic =
        ControllerConfig.fromEnvironment(
            Map.of(
                "REGISTRY_AUTH_MODE", "Basic",
                "REGISTRY_BASIC_USER", "provisioner",
                "REGISTRY_BASIC_PASSWORD_FILE", passwordFile.toString(),
                "REGISTRY_ACCESS_POLICY_FILE", "/etc/registry/policy.json",
                "METRICS_AUTH", "true"));
    ControllerConfig htpasswd =
        ControllerConfig.fromEnvironment(
            Map.of(
                "REGISTRY_AUTH_MODE", "htpasswd",
                "REGISTRY_HTPASSWD_FILE", "/etc/registry/htpasswd",
                "REGISTRY_HTPASSWD_ALLOW_WEAK", "true"));
    ControllerConfig literal =
        ControllerConfig.fromEnvironment(
            Map.of(
                "REGISTRY_AUTH_MODE", "basic",
                "REGISTRY_BASIC_USER", "u",
                "REGISTRY_BASIC_PASSWORD", "in-the-environment"));

    assertThat(basic.auth().mode()).isEqualTo(ControllerConfig.AuthMode.BASIC);
    assertThat(basic.auth().basicUser()).contains("provisioner");
    assertThat(basic.auth().basicPassword().orElseThrow().reveal()).isEqualTo("from-a-file");
    assertThat(basic.auth().policyFile()).contains(Path.of("/etc/registry/policy.json"));
    assertThat(basic.auth().metricsNeedAuth()).isTrue();
    assertThat(basic.toString()).doesNotContain("from-a-file");
    assertThat(literal.auth().basicPassword().orElseThrow().reveal())
        .isEqualTo("in-the-environment");
    assertThat(literal.toString()).doesNotContain("in-the-environment");
    assertThat(htpasswd.auth().htpasswdFile()).contains(Path.of("/etc/registry/htpasswd"));
    assertThat(htpasswd.auth().allowWeakHashes()).isTrue();
  }

  @Test
  void anAuthModeWithoutWhatItNeedsStopsStartUpSayingWhat(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "");
    assertThatThrownBy(() -> ControllerConfig.fromEnvironment(Map.of("REGISTRY_AUTH_MODE", "ldap")))
        .hasMessageContaining(
            "REGISTRY_AUTH_MODE=ldap is not valid; it accepts none, basic or htpasswd");
    assertThatThrownBy(
            () -> ControllerConfig.fromEnvironment(Map.of("REGISTRY_AUTH_MODE", "basic")))
        .hasMessageContaining("REGISTRY_BASIC_USER must name the user")
        .hasMessageContaining("takes the password from one of REGISTRY_BASIC_PASSWORD_FILE");
    assertThatThrownBy(
            () ->
                ControllerConfig.fromEnvironment(
                    Map.of(
                        "REGISTRY_AUTH_MODE", "basic",
                        "REGISTRY_BASIC_USER", "u",
                        "REGISTRY_BASIC_PASSWORD", "p",
                        "REGISTRY_BASIC_PASSWORD_FILE", "/x")))
        .hasMessageContaining("takes the password from one of");
    assertThatThrownBy(
            () ->
                ControllerConfig.fromEnvironment(
                    Map.of(
                        "REGISTRY_AUTH_MODE", "basic",
                        "REGISTRY_BASIC_USER", "u",
                        "REGISTRY_BASIC_PASSWORD_FILE", dir.resolve("missing").toString())))
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(
            () ->
                ControllerConfig.fromEnvironment(
                    Map.of(
                        "REGISTRY_AUTH_MODE", "basic",
                        "REGISTRY_BASIC_USER", "u",
                        "REGISTRY_BASIC_PASSWORD_FILE", empty.toString())))
        .hasMessageContaining("is empty; it must hold the password");
    assertThatThrownBy(
            () -> ControllerConfig.fromEnvironment(Map.of("REGISTRY_AUTH_MODE", "htpasswd")))
        .hasMessageContaining("REGISTRY_HTPASSWD_FILE must name the htpasswd file");
  }
}
