package dev.ociregistry.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * A registry's metadata database: two connection pools (one for records, one that only holds
 * locks), the schema brought up to date as it opens, and the {@link PostgresMetadata} and {@link
 * PostgresCoordination} on them. Every replica opens its own on the same database.
 */
public final class PostgresStore implements Closeable {
  private final HikariDataSource pool;
  private final HikariDataSource lockPool;
  private final PostgresMetadata metadata;
  private final PostgresCoordination coordination;
  private final PostgresDocuments documents;

  private PostgresStore(HikariDataSource pool, HikariDataSource lockPool) {
    this.pool = pool;
    this.lockPool = lockPool;
    this.metadata = new PostgresMetadata(pool);
    this.coordination = new PostgresCoordination(lockPool, pool);
    this.documents = new PostgresDocuments(pool);
  }

  /**
   * Connects, and migrates the schema when it is behind.
   *
   * @param jdbcUrl the database, {@code jdbc:postgresql://host:port/database}
   * @param user the role
   * @param password its password, or empty for none (trust or peer authentication)
   * @param poolSize connections for records, and as many again for locks
   * @return the open store
   * @throws IOException when the database cannot be reached or migrated
   */
  public static PostgresStore open(String jdbcUrl, String user, String password, int poolSize)
      throws IOException {
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config(jdbcUrl, user, password, poolSize, "records"));
    } catch (RuntimeException e) {
      throw unreachable(jdbcUrl, e);
    }
    HikariDataSource lockPool;
    try {
      lockPool = new HikariDataSource(config(jdbcUrl, user, password, poolSize, "locks"));
    } catch (RuntimeException e) {
      pool.close();
      throw unreachable(jdbcUrl, e);
    }
    try {
      Migrations.apply(new Jdbc(pool));
      return new PostgresStore(pool, lockPool);
    } catch (IOException | RuntimeException e) {
      lockPool.close();
      pool.close();
      throw e;
    }
  }

  private static IOException unreachable(String jdbcUrl, RuntimeException e) {
    // Without the URL's parameters: they may carry a password.
    int query = jdbcUrl.indexOf('?');
    String address = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    return new IOException("PostgreSQL at " + address + " cannot be reached: " + e.getMessage(), e);
  }

  private static HikariConfig config(
      String jdbcUrl, String user, String password, int poolSize, String purpose) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    if (!password.isEmpty()) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("oci-registry-" + purpose);
    config.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
    config.setInitializationFailTimeout(Duration.ofSeconds(10).toMillis());
    return config;
  }

  /** {@return the registry's records} */
  public PostgresMetadata metadata() {
    return metadata;
  }

  /** {@return the locks and notes every replica shares} */
  public PostgresCoordination coordination() {
    return coordination;
  }

  /** {@return the application's documents beside the registry, shared by its replicas} */
  public PostgresDocuments documents() {
    return documents;
  }

  /** Closes both pools; locks still held are dropped with their sessions. */
  @Override
  public void close() {
    lockPool.close();
    pool.close();
  }
}
