package dev.ociregistry.postgres;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.filesystem.FileSystemBlobContent;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.s3.S3BlobContent;
import dev.ociregistry.s3.S3ProxyServer;
import dev.ociregistry.testkit.Artifacts;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Figures for one replica against three on one PostgreSQL database, with content in a shared
 * directory and in S3 (s3proxy): small pushes (a blob and a manifest that tags it) a second, and
 * the rate of 16 MiB uploads in 4 MiB chunks. Eight client threads in every case, spread over the
 * replicas. Not part of the tests (the name is not a test's); after {@code mvn install}, run it
 * with {@code mvn -pl oci-registry-postgres test -Dtest=ReplicaThroughputBenchmark}.
 */
class ReplicaThroughputBenchmark {
  private static final int CLIENTS = 8;
  private static final long SMALL_PUSH_MILLIS = 10_000;
  private static final int LARGE_BLOBS = 24;
  private static final int LARGE_BYTES = 16 << 20;
  private static final int CHUNK = 4 << 20;

  @TempDir Path work;

  @Test
  void oneReplicaAgainstThree() throws Exception {
    try (PostgresServer postgres = PostgresServer.start();
        S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(work.resolve("s3")))) {
      for (String content : List.of("shared directory", "s3")) {
        for (int replicas : new int[] {1, 3}) {
          String url = postgres.newDatabase();
          String bucket = "bench-" + UUID.randomUUID();
          if (content.equals("s3")) {
            try (S3Client client = s3.client()) {
              client.createBucket(r -> r.bucket(bucket));
            }
          }
          Path directory = Files.createDirectories(work.resolve(UUID.randomUUID().toString()));
          List<PostgresStore> stores = new ArrayList<>();
          List<OciRegistry> registries = new ArrayList<>();
          List<S3Client> clients = new ArrayList<>();
          try {
            for (int i = 0; i < replicas; i++) {
              PostgresStore store = PostgresStore.open(url, PostgresServer.USER, "", 16);
              stores.add(store);
              BlobContent blobs;
              if (content.equals("s3")) {
                S3Client client = s3.client();
                clients.add(client);
                blobs =
                    new S3BlobContent(
                        client,
                        bucket,
                        Files.createDirectories(directory.resolve("spool-" + i)),
                        S3BlobContent.MIN_PART_SIZE);
              } else {
                blobs = new FileSystemBlobContent(new FileSystemStorage(directory));
              }
              registries.add(
                  OciRegistry.open(
                      store.metadata(), blobs, store.coordination(), RegistryOptions.defaults()));
            }
            double pushes = smallPushesPerSecond(registries);
            double mebibytes = largeUploadMebibytesPerSecond(registries);
            System.out.printf(
                "[replicas] %-16s %d replica(s): %7.1f small pushes/s, %6.1f MiB/s of 16 MiB uploads%n",
                content, replicas, pushes, mebibytes);
          } finally {
            for (OciRegistry registry : registries) {
              registry.close();
            }
            stores.forEach(PostgresStore::close);
            clients.forEach(S3Client::close);
          }
        }
      }
    }
  }

  private static double smallPushesPerSecond(List<OciRegistry> replicas) throws Exception {
    AtomicLong pushes = new AtomicLong();
    long deadline = System.nanoTime() + SMALL_PUSH_MILLIS * 1_000_000;
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        OciRegistry registry = replicas.get(c % replicas.size());
        int client = c;
        clients.add(
            pool.submit(
                () -> {
                  RepositoryName repository = RepositoryName.parse("bench/small-" + client);
                  for (long n = 0; System.nanoTime() < deadline; n++) {
                    Artifacts.Manifest image =
                        Artifacts.image()
                            .config(Artifacts.config("bench " + client + " " + n))
                            .layer(Artifacts.layer("layer " + client + " " + n))
                            .build();
                    for (Artifacts.Blob blob : image.blobs()) {
                      registry
                          .blobs()
                          .put(
                              repository,
                              Digest.parse(blob.digest()),
                              new ByteArrayInputStream(blob.content()),
                              blob.content().length);
                    }
                    registry
                        .manifests()
                        .put(
                            repository,
                            Reference.of(Tag.parse("t" + n)),
                            image.content(),
                            image.mediaType());
                    pushes.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> client : clients) {
        client.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return pushes.get() * 1000.0 / SMALL_PUSH_MILLIS;
  }

  private static double largeUploadMebibytesPerSecond(List<OciRegistry> replicas) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    long started = System.nanoTime();
    try {
      List<Future<?>> uploads = new ArrayList<>();
      for (int b = 0; b < LARGE_BLOBS; b++) {
        int blob = b;
        uploads.add(
            pool.submit(
                () -> {
                  byte[] content = Artifacts.content(LARGE_BYTES, 1000 + blob);
                  RepositoryName repository = RepositoryName.parse("bench/large");
                  // Each chunk goes to the next replica, as a load balancer without affinity sends
                  // them.
                  String id = replicas.get(blob % replicas.size()).uploads().start(repository).id();
                  for (int offset = 0, i = 0; offset < content.length; offset += CHUNK, i++) {
                    int length = Math.min(CHUNK, content.length - offset);
                    replicas
                        .get((blob + i) % replicas.size())
                        .uploads()
                        .append(
                            repository,
                            id,
                            offset,
                            length,
                            new ByteArrayInputStream(content, offset, length));
                  }
                  replicas
                      .get((blob + 1) % replicas.size())
                      .uploads()
                      .complete(repository, id, Digest.sha256(content), -1, -1, null);
                  return null;
                }));
      }
      for (Future<?> upload : uploads) {
        upload.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return LARGE_BLOBS * (double) LARGE_BYTES / (1 << 20) / seconds;
  }
}
