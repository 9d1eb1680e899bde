package dev.ociregistry.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.content.BlobContentContract;
import dev.ociregistry.core.content.BlobUpload;
import dev.ociregistry.core.content.LeftoverNames;
import dev.ociregistry.core.content.LeftoverRepair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
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

  @Test
  void aRepairRemovesWhatNoRecordNamesOnlyOnceItHasStayedUnnamedForTheAge() throws Exception {
    BlobContent content = content();
    Recorded names = new Recorded();
    byte[] kept = bytes(1000);
    String recorded = content.put(sha256(kept), new ByteArrayInputStream(kept), 1000).commit();
    names.locations.add(recorded);
    byte[] lost = bytes(2000);
    String orphan = content.put(sha256(lost), new ByteArrayInputStream(lost), 2000).commit();
    byte[] late = bytes(3000);
    String namedLater = content.put(sha256(late), new ByteArrayInputStream(late), 3000).commit();
    byte[] first = bytes((int) S3BlobContent.MIN_PART_SIZE + 1000);
    BlobUpload live = content.beginUpload("live");
    live.append(new ByteArrayInputStream(first), first.length);
    names.uploads.add("live");
    BlobUpload abandoned = content.beginUpload("abandoned");
    abandoned.append(new ByteArrayInputStream(first), first.length);

    Duration age = Duration.ofSeconds(2);
    LeftoverRepair firstPass = content.removeLeftovers(names, age);
    assertThat(firstPass.removed()).isZero();
    assertThat(firstPass.waiting())
        .as("the orphan, the blob named later, the abandoned upload and its tail")
        .isEqualTo(4);
    assertThat(keys()).contains(S3Leftovers.MARKER_PREFIX + orphan);

    names.locations.add(namedLater);
    Thread.sleep(3500);
    LeftoverRepair secondPass = content.removeLeftovers(names, age);

    assertThat(secondPass.removed()).isEqualTo(3);
    assertThat(secondPass.waiting()).isZero();
    assertThat(secondPass.bytesFreed()).isEqualTo(lost.length + S3BlobContent.MIN_PART_SIZE + 1000);
    assertThat(content.size(orphan)).isEmpty();
    assertThat(content.size(recorded)).hasValue(1000L);
    assertThat(content.size(namedLater)).hasValue(3000L);
    assertThat(keys())
        .noneMatch(key -> key.startsWith(S3Leftovers.MARKER_PREFIX))
        .noneMatch(key -> key.startsWith("uploads/abandoned/"));
    assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads())
        .extracting(MultipartUpload::key)
        .containsExactly("blobs/sha256/uploads/live");
    live.append(new ByteArrayInputStream(kept), kept.length);
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.write(first);
    whole.write(kept);
    String completed = live.complete(sha256(whole.toByteArray())).commit();
    assertThat(content.size(completed)).hasValue((long) whole.size());
  }

  /** What the metadata would say: the recorded locations and the uploads in progress. */
  private static final class Recorded implements LeftoverNames {
    final Set<String> locations = ConcurrentHashMap.newKeySet();
    final Set<String> uploads = ConcurrentHashMap.newKeySet();

    @Override
    public boolean blob(String location) {
      return locations.contains(location);
    }

    @Override
    public boolean upload(String id) {
      return uploads.contains(id);
    }
  }

  private List<String> keys() {
    return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .toList();
  }
}
