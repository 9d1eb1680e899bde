package dev.ociregistry.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.content.BlobUpload;
import dev.ociregistry.core.content.LeftoverRepair;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.gc.GcOptions;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.s3.S3BlobContent;
import dev.ociregistry.s3.S3ProxyServer;
import dev.ociregistry.testkit.Artifacts;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What a crash leaves in a bucket, removed by the collector's repair: content written but never
 * recorded, content whose record was forgotten but not deleted, an upload begun in the store but
 * never recorded. Only once it has stayed unnamed for the age (the upload timeout), and never what
 * a record names.
 */
class LeftoverRepairOnS3Test {
  private static final RepositoryName REPO = RepositoryName.parse("os-images/rootfs");
  private static final Duration AGE = Duration.ofSeconds(2);

  @RegisterExtension static final PostgresServerExtension postgres = new PostgresServerExtension();

  @TempDir Path directory;

  @Test
  void aRepairTheStoreCannotAnswerLeavesTheCollectionsReportIntact() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(directory.resolve("s3")));
        S3Client client = s3.client();
        PostgresStore store =
            PostgresStore.open(postgres.newDatabase(), PostgresServer.USER, "", 8);
        OciRegistry registry =
            OciRegistry.open(
                store.metadata(),
                new S3BlobContent(
                    client,
                    "no-such-bucket",
                    Files.createDirectories(directory.resolve("spool")),
                    S3BlobContent.MIN_PART_SIZE),
                store.coordination(),
                RegistryOptions.defaults())) {
      GcReport report = registry.garbageCollector().collect(GcOptions.withGracePeriod(AGE));
      assertThat(report.dryRun()).isFalse();
      assertThat(report.leftovers()).isEqualTo(LeftoverRepair.NONE);
    }
  }

  @Test
  void collectionsRemoveWhatACrashLeftOnceItStayedUnnamedAndKeepEveryRecordedBlob()
      throws Exception {
    String bucket = "leftovers-" + UUID.randomUUID();
    try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(directory.resolve("s3")));
        S3Client client = s3.client();
        PostgresStore store =
            PostgresStore.open(postgres.newDatabase(), PostgresServer.USER, "", 8)) {
      client.createBucket(r -> r.bucket(bucket));
      S3BlobContent content =
          new S3BlobContent(
              client,
              bucket,
              Files.createDirectories(directory.resolve("spool")),
              S3BlobContent.MIN_PART_SIZE);
      try (OciRegistry registry =
          OciRegistry.open(
              store.metadata(),
              content,
              store.coordination(),
              RegistryOptions.defaults().withUploadTimeout(AGE))) {
        Artifacts.Manifest image =
            Artifacts.image()
                .config(Artifacts.config("kept"))
                .layer(Artifacts.layer("kept layer"))
                .build();
        ReplicasContract.pushBlobs(registry, image);
        registry
            .manifests()
            .put(REPO, Reference.of(Tag.parse("v1")), image.content(), image.mediaType());

        // A crash between writing content and recording it.
        byte[] neverRecorded = Artifacts.content(20_000, 1);
        content
            .put(
                Digest.sha256(neverRecorded),
                new ByteArrayInputStream(neverRecorded),
                neverRecorded.length)
            .commit();
        // A crash between forgetting a blob's record and deleting its content.
        byte[] forgotten = Artifacts.content(30_000, 2);
        registry
            .blobs()
            .put(
                REPO,
                Digest.sha256(forgotten),
                new ByteArrayInputStream(forgotten),
                forgotten.length);
        store.metadata().forgetBlob(Digest.sha256(forgotten));
        // A crash between beginning an upload in the store and recording it.
        BlobUpload unrecorded = content.beginUpload(UUID.randomUUID().toString());
        byte[] partial = Artifacts.content((int) S3BlobContent.MIN_PART_SIZE, 3);
        unrecorded.append(new ByteArrayInputStream(partial), partial.length);
        // An upload in progress, recorded, that nothing touches for longer than the age.
        String inProgress = registry.uploads().start(REPO).id();

        GcReport first = registry.garbageCollector().collect(GcOptions.withGracePeriod(AGE));
        assertThat(first.leftovers().removed()).isZero();
        assertThat(first.leftovers().waiting()).isEqualTo(3);

        Thread.sleep(AGE.plusMillis(1500).toMillis());
        GcReport second = registry.garbageCollector().collect(GcOptions.withGracePeriod(AGE));
        assertThat(second.leftovers().removed()).isEqualTo(3);
        assertThat(second.leftovers().bytesFreed())
            .isEqualTo(neverRecorded.length + forgotten.length + partial.length);
        GcReport third = registry.garbageCollector().collect(GcOptions.withGracePeriod(AGE));
        assertThat(third.leftovers()).isEqualTo(LeftoverRepair.NONE);

        assertThat(registry.manifests().get(REPO, Reference.of(Tag.parse("v1")))).isPresent();
        for (Artifacts.Blob blob : image.blobs()) {
          assertThat(registry.blobs().stat(REPO, Digest.parse(blob.digest())))
              .as("a recorded blob")
              .isPresent();
        }
        assertThat(registry.uploads().status(REPO, inProgress).offset()).isZero();
      }
    }
  }
}
