package dev.ociregistry.postgres;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.s3.S3BlobContent;
import dev.ociregistry.s3.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Replicas whose blob content is one S3 bucket (a real S3 server, s3proxy), each its own client.
 */
class ReplicasOnS3Test extends ReplicasContract {
  @TempDir static Path storeDirectory;
  @TempDir Path spools;
  private static S3ProxyServer server;
  private final List<S3Client> clients = new ArrayList<>();
  private String bucket;

  @BeforeAll
  static void startS3() throws Exception {
    server = S3ProxyServer.start(storeDirectory);
  }

  @AfterAll
  static void stopS3() throws Exception {
    server.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(S3Client::close);
  }

  @Override
  protected BlobContent content() throws Exception {
    S3Client client = server.client();
    clients.add(client);
    if (bucket == null) {
      bucket = "replicas-" + UUID.randomUUID();
      String name = bucket;
      client.createBucket(r -> r.bucket(name));
    }
    Path spool = Files.createDirectories(spools.resolve("replica-" + clients.size()));
    return new S3BlobContent(client, bucket, spool, S3BlobContent.MIN_PART_SIZE);
  }
}
