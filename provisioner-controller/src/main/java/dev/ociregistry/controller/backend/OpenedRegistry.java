package dev.ociregistry.controller.backend;

import dev.ociregistry.controller.config.ControllerConfig;
import dev.ociregistry.controller.config.RegistryBackend;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.filesystem.FileSystemBlobContent;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.postgres.PostgresDocuments;
import dev.ociregistry.postgres.PostgresStore;
import dev.ociregistry.s3.S3BlobContent;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The registry the controller serves, with what it runs on: closing it closes the registry first,
 * then the database pools and the S3 client.
 */
public final class OpenedRegistry implements Closeable {
  private final OciRegistry registry;
  private final Optional<PostgresDocuments> sharedDocuments;
  private final List<Closeable> stores;

  private OpenedRegistry(
      OciRegistry registry, Optional<PostgresDocuments> sharedDocuments, List<Closeable> stores) {
    this.registry = registry;
    this.sharedDocuments = sharedDocuments;
    this.stores = stores;
  }

  /**
   * Opens the registry {@code config} names.
   *
   * @param config the controller's configuration
   * @return the open registry
   * @throws IOException when a store cannot be reached or opened
   */
  public static OpenedRegistry open(ControllerConfig config) throws IOException {
    RegistryOptions options = RegistryOptions.defaults().withUploadTimeout(config.uploadTimeout());
    RegistryBackend backend = config.backend();
    if (!backend.isShared()) {
      return new OpenedRegistry(
          OciRegistry.open(config.registryStorage(), options), Optional.empty(), List.of());
    }
    List<Closeable> stores = new ArrayList<>();
    try {
      PostgresStore postgres = openPostgres(backend.postgres().orElseThrow());
      stores.add(postgres);
      BlobContent content = content(config, backend, stores);
      OciRegistry registry =
          OciRegistry.open(postgres.metadata(), content, postgres.coordination(), options);
      return new OpenedRegistry(registry, Optional.of(postgres.documents()), stores);
    } catch (IOException | RuntimeException e) {
      closeAll(stores, e);
      throw e;
    }
  }

  private static PostgresStore openPostgres(RegistryBackend.Postgres postgres) throws IOException {
    return PostgresStore.open(
        postgres.jdbcUrl(),
        postgres.user(),
        postgres.password().map(secret -> secret.reveal()).orElse(""),
        postgres.poolSize());
  }

  private static BlobContent content(
      ControllerConfig config, RegistryBackend backend, List<Closeable> stores) throws IOException {
    if (backend.contentDriver() == RegistryBackend.ContentDriver.FILESYSTEM) {
      return new FileSystemBlobContent(new FileSystemStorage(config.registryStorage()));
    }
    RegistryBackend.S3 s3 = backend.s3().orElseThrow();
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(s3.region()))
            .forcePathStyle(s3.pathStyle())
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .httpClient(UrlConnectionHttpClient.create())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    s3.endpoint().ifPresent(builder::endpointOverride);
    S3Client client = builder.build();
    stores.add(client::close);
    Path spool = Files.createDirectories(config.registryStorage().resolve("spool"));
    return new S3BlobContent(client, s3.bucket(), spool, s3.partSize());
  }

  /**
   * {@return where recipes and jobs go when replicas share the registry}; empty for one controller,
   * which keeps them as files
   */
  public Optional<PostgresDocuments> sharedDocuments() {
    return sharedDocuments;
  }

  /** {@return the registry} */
  public OciRegistry registry() {
    return registry;
  }

  /** Closes the registry, then its stores. */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    try {
      registry.close();
    } catch (IOException e) {
      failure = e;
    }
    for (Closeable store : stores) {
      try {
        store.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void closeAll(List<Closeable> stores, Exception reason) {
    for (Closeable store : stores) {
      try {
        store.close();
      } catch (IOException | RuntimeException e) {
        reason.addSuppressed(e);
      }
    }
  }
}
