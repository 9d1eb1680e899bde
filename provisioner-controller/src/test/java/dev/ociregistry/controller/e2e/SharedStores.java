package dev.ociregistry.controller.e2e;

import dev.ociregistry.postgres.PostgresServer;
import dev.ociregistry.s3.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The stores replicas share, started here: a PostgreSQL server (Debian's package) and s3proxy on a
 * directory. Each {@link #newRegistry()} is a registry of its own (a new database and a new bucket)
 * as the environment a site gives every one of its replicas.
 */
final class SharedStores implements AutoCloseable {
  private final PostgresServer postgres;
  private final S3ProxyServer s3;

  private SharedStores(PostgresServer postgres, S3ProxyServer s3) {
    this.postgres = postgres;
    this.s3 = s3;
  }

  /** Starts both, s3proxy keeping its objects under {@code s3Directory}. */
  static SharedStores start(Path s3Directory) throws Exception {
    PostgresServer postgres = PostgresServer.start();
    try {
      return new SharedStores(postgres, S3ProxyServer.start(Files.createDirectories(s3Directory)));
    } catch (Exception | Error e) {
      postgres.close();
      throw e;
    }
  }

  /**
   * A new database and bucket, and the controller's environment naming them (metadata in
   * PostgreSQL, content in S3, s3proxy's credentials); a copy the caller may change.
   */
  Map<String, String> newRegistry() throws Exception {
    String bucket = "registry-" + UUID.randomUUID();
    try (S3Client client = s3.client()) {
      client.createBucket(r -> r.bucket(bucket));
    }
    Map<String, String> environment = new HashMap<>();
    environment.put("REGISTRY_METADATA", "postgres");
    environment.put("REGISTRY_POSTGRES_URL", postgres.newDatabase());
    environment.put("REGISTRY_POSTGRES_USER", PostgresServer.USER);
    environment.put("REGISTRY_STORAGE_DRIVER", "s3");
    environment.put("S3_ENDPOINT", s3.endpoint().toString());
    environment.put("S3_BUCKET", bucket);
    environment.put("S3_PATH_STYLE", "true");
    environment.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
    environment.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
    return environment;
  }

  @Override
  public void close() throws Exception {
    try {
      s3.close();
    } finally {
      postgres.close();
    }
  }
}
