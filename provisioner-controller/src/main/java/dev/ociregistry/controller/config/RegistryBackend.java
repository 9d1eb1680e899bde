package dev.ociregistry.controller.config;

import java.net.URI;
import java.util.Optional;

/**
 * Where the registry keeps what it stores: the filesystem alone (the default, one process), or
 * metadata in PostgreSQL that several replicas share, with blob content in a directory they all
 * mount or in an S3 bucket.
 *
 * @param metadata filesystem or postgres
 * @param contentDriver filesystem or s3
 * @param postgres the database, with postgres metadata
 * @param s3 the bucket, with s3 content
 */
public record RegistryBackend(
    Metadata metadata, ContentDriver contentDriver, Optional<Postgres> postgres, Optional<S3> s3) {

  /** The default: one process, everything under {@code REGISTRY_STORAGE}. */
  public static final RegistryBackend FILESYSTEM =
      new RegistryBackend(
          Metadata.FILESYSTEM, ContentDriver.FILESYSTEM, Optional.empty(), Optional.empty());

  /** Where metadata is kept. */
  public enum Metadata {
    /** The OCI Image Layout's files, for one process. */
    FILESYSTEM,
    /** PostgreSQL, shared by replicas. */
    POSTGRES
  }

  /** Where blob content is kept. */
  public enum ContentDriver {
    /** {@code REGISTRY_STORAGE}'s {@code blobs/}. */
    FILESYSTEM,
    /** An S3-compatible bucket. */
    S3
  }

  /**
   * A PostgreSQL database.
   *
   * @param jdbcUrl {@code jdbc:postgresql://host:port/database}
   * @param user the role
   * @param password its password, when the server asks for one
   * @param poolSize connections for records, and as many again for locks
   */
  public record Postgres(String jdbcUrl, String user, Optional<Secret> password, int poolSize) {
    /** {@return the URL without its parameters}, which may carry a password */
    public String address() {
      int query = jdbcUrl.indexOf('?');
      return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    }

    @Override
    public String toString() {
      return "Postgres[" + address() + " as " + user + ", " + poolSize + " connections]";
    }
  }

  /**
   * An S3 bucket. Credentials come from the AWS SDK's usual chain: {@code AWS_ACCESS_KEY_ID} and
   * {@code AWS_SECRET_ACCESS_KEY}, profile files, or the instance's role.
   *
   * @param endpoint the store's address, or empty for AWS itself
   * @param bucket the bucket, which must exist
   * @param region the region
   * @param pathStyle whether the bucket goes in the path (MinIO, Ceph, s3proxy) rather than the
   *     host
   * @param partSize the size of upload parts
   */
  public record S3(
      Optional<URI> endpoint, String bucket, String region, boolean pathStyle, long partSize) {}

  /**
   * {@return how the start-up line names it}: the directory alone, or the database's address (its
   * URL without parameters) and where content goes
   *
   * @param storage {@code REGISTRY_STORAGE}
   */
  public String describe(java.nio.file.Path storage) {
    if (!isShared()) {
      return storage.toString();
    }
    String database = postgres.map(Postgres::address).orElse("?");
    String content =
        contentDriver == ContentDriver.S3
            ? s3.map(
                    bucket ->
                        "s3://"
                            + bucket.bucket()
                            + bucket.endpoint().map(e -> " at " + e).orElse(""))
                .orElse("s3")
            : storage.toString();
    return "metadata " + database + ", content " + content;
  }

  /** Whether replicas share it. */
  public boolean isShared() {
    return metadata == Metadata.POSTGRES;
  }
}
