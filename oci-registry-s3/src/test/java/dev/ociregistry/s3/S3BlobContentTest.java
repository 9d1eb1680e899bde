package dev.ociregistry.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.content.BlobContentContract;
import dev.ociregistry.core.content.BlobUpload;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

class S3BlobContentTest extends BlobContentContract {
  @TempDir static Path storeDirectory;
  @TempDir Path spool;
  private static S3ProxyServer server;
  private static S3Client s3;
  private String bucket;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(storeDirectory);
    s3 = server.client();
  }

  @AfterAll
  static void stopServer() throws Exception {
    s3.close();
    server.close();
  }

  @BeforeEach
  void createBucket() {
    bucket = "test-" + UUID.randomUUID();
    s3.createBucket(r -> r.bucket(bucket));
  }

  @AfterEach
  void noSpoolFileIsLeft() throws IOException {
    try (Stream<Path> files = Files.list(spool)) {
      assertThat(files).isEmpty();
    }
  }

  @Override
  protected BlobContent content() {
    return new S3BlobContent(s3, bucket, spool, S3BlobContent.MIN_PART_SIZE);
  }

  @Override
  protected BlobContent anotherProcess() {
    return new S3BlobContent(server.client(), bucket, spool, S3BlobContent.MIN_PART_SIZE);
  }

  @Override
  protected long partSize() {
    return S3BlobContent.MIN_PART_SIZE;
  }

  @Test
  void aPartSizeBelowTheStoresMinimumIsRefused() {
    assertThatThrownBy(() -> new S3BlobContent(s3, bucket, spool, 1024))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minimum");
  }

  @Test
  void aCompletedUploadLeavesOnlyItsBlobInTheBucket() throws IOException {
    BlobContent content = content();
    BlobUpload upload = content.beginUpload(newId());
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    for (int i = 0; i < 3; i++) {
      byte[] chunk = bytes(100_000);
      upload.append(new ByteArrayInputStream(chunk), chunk.length);
      whole.write(chunk);
    }
    assertThat(keys()).hasSize(3).allMatch(key -> key.startsWith("uploads/" + upload.id() + "/"));
    String location = upload.complete(sha256(whole.toByteArray())).commit();
    assertThat(keys()).containsExactly(location);
    assertThat(location).isEqualTo("blobs/sha256/uploads/" + upload.id());
  }

  @Test
  void aDamagedStateIsRefused() throws IOException {
    BlobUpload upload = content().beginUpload(newId());
    byte[] state = upload.state();
    assertThatThrownBy(() -> content().resumeUpload(upload.id(), Arrays.copyOf(state, 10)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("upload state");
    state[state.length - 1] ^= 1;
    assertThatThrownBy(() -> content().resumeUpload(upload.id(), state))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("hash state");
  }

  private List<String> keys() {
    return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .toList();
  }
}
