package dev.ociregistry.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlobContent} must do; each implementation's test extends this class. The
 * implementation under test is fresh for each test; {@link #anotherProcess()} is a second instance
 * on the same store, standing for another replica or a restarted process.
 */
public abstract class BlobContentContract {
  private final Random random = new Random(42);

  /** For the implementations' tests. */
  protected BlobContentContract() {}

  /** The store under test; called once per test. */
  protected abstract BlobContent content() throws IOException;

  /** A second instance on the store of {@link #content()}, as another process would open it. */
  protected abstract BlobContent anotherProcess() throws IOException;

  /** A chunk this long spans more than one of the implementation's parts. */
  protected long partSize() {
    return 1024 * 1024;
  }

  @Test
  void putStagesVerifiedContentThatCommitMakesReadable() throws IOException {
    BlobContent content = content();
    byte[] bytes = bytes(100_000);
    StagedBlob staged = content.put(sha256(bytes), new ByteArrayInputStream(bytes), bytes.length);
    assertThat(staged.digest()).isEqualTo(sha256(bytes));
    assertThat(staged.size()).isEqualTo(bytes.length);
    String location = staged.commit();
    assertThat(content.size(location)).contains((long) bytes.length);
    assertThat(read(content, location)).isEqualTo(bytes);
    assertThat(read(anotherProcess(), location)).isEqualTo(bytes);
  }

  @Test
  void aPositionedReadReturnsThatRangeOnly() throws IOException {
    BlobContent content = content();
    byte[] bytes = bytes(200_000);
    String location = put(content, bytes);
    try (SeekableByteChannel channel = content.open(location)) {
      assertThat(channel.size()).isEqualTo(bytes.length);
      channel.position(150_000);
      ByteBuffer range = ByteBuffer.allocate(500);
      while (range.hasRemaining() && channel.read(range) >= 0) {}
      assertThat(range.array()).isEqualTo(Arrays.copyOfRange(bytes, 150_000, 150_500));
      channel.position(10);
      ByteBuffer start = ByteBuffer.allocate(5);
      while (start.hasRemaining() && channel.read(start) >= 0) {}
      assertThat(start.array()).isEqualTo(Arrays.copyOfRange(bytes, 10, 15));
      channel.position(bytes.length);
      assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    }
  }

  @Test
  void putOfContentWithAnotherDigestKeepsNothing() throws IOException {
    BlobContent content = content();
    byte[] bytes = bytes(5000);
    Digest other = sha256(bytes(10));
    assertThatThrownBy(() -> content.put(other, new ByteArrayInputStream(bytes), bytes.length))
        .isInstanceOfSatisfying(
            DigestMismatchException.class,
            e -> {
              assertThat(e.expected()).isEqualTo(other);
              assertThat(e.actual()).isEqualTo(sha256(bytes));
            });
    assertThat(locations(content)).isEmpty();
  }

  @Test
  void putOfContentShorterOrLongerThanDeclaredKeepsNothing() throws IOException {
    BlobContent content = content();
    byte[] bytes = bytes(5000);
    assertThatThrownBy(
            () -> content.put(sha256(bytes), new ByteArrayInputStream(bytes), bytes.length + 1))
        .isInstanceOfSatisfying(
            SizeMismatchException.class, e -> assertThat(e.actual()).isEqualTo(bytes.length));
    assertThatThrownBy(
            () -> content.put(sha256(bytes), new ByteArrayInputStream(bytes), bytes.length - 1))
        .isInstanceOfSatisfying(
            SizeMismatchException.class,
            e -> assertThat(e.getMessage()).contains("exceeds the size 4999"));
    assertThat(locations(content)).isEmpty();
  }

  @Test
  void putOfUnknownSizeLargerThanAPartIsVerified() throws IOException {
    BlobContent content = content();
    byte[] bytes = bytes((int) (2 * partSize() + 3));
    String location = content.put(sha256(bytes), new ByteArrayInputStream(bytes), -1).commit();
    assertThat(read(content, location)).isEqualTo(bytes);
  }

  @Test
  void aPutThatTheSourceBreaksKeepsNothing() throws IOException {
    BlobContent content = content();
    byte[] bytes = bytes(300_000);
    assertThatThrownBy(() -> content.put(sha256(bytes), breaksAfter(bytes, 100_000), bytes.length))
        .isInstanceOf(IOException.class);
    assertThat(locations(content)).isEmpty();
  }

  @Test
  void aDiscardedStagedBlobIsNotListed() throws IOException {
    BlobContent content = content();
    byte[] bytes = bytes(1000);
    content.put(sha256(bytes), new ByteArrayInputStream(bytes), bytes.length).discard();
    assertThat(locations(content)).isEmpty();
  }

  @Test
  void anUploadInChunksOfEverySizeCompletesToItsContent() throws IOException {
    BlobContent content = content();
    byte[] first = bytes(1000);
    byte[] second = bytes((int) partSize() + 7);
    byte[] third = bytes(3);
    BlobUpload upload = content.beginUpload(newId());
    assertThat(upload.size()).isZero();
    assertThat(upload.append(new ByteArrayInputStream(first), first.length)).isEqualTo(1000);
    assertThat(upload.append(new ByteArrayInputStream(second), -1))
        .isEqualTo(first.length + second.length);
    upload.append(new ByteArrayInputStream(third), third.length);
    byte[] whole = concat(first, second, third);
    assertThat(upload.size()).isEqualTo(whole.length);
    StagedBlob staged = upload.complete(sha256(whole));
    assertThat(staged.size()).isEqualTo(whole.length);
    String location = staged.commit();
    assertThat(read(content, location)).isEqualTo(whole);
  }

  @Test
  void anUploadGoesOnInAnotherProcessFromItsState() throws IOException {
    BlobContent content = content();
    byte[] first = bytes((int) partSize() + 11);
    byte[] second = bytes(20_000);
    BlobUpload upload = content.beginUpload(newId());
    upload.append(new ByteArrayInputStream(first), first.length);
    BlobUpload resumed = anotherProcess().resumeUpload(upload.id(), upload.state());
    assertThat(resumed.id()).isEqualTo(upload.id());
    assertThat(resumed.size()).isEqualTo(first.length);
    resumed.append(new ByteArrayInputStream(second), second.length);
    byte[] whole = concat(first, second);
    String location = resumed.complete(sha256(whole)).commit();
    assertThat(read(content, location)).isEqualTo(whole);
  }

  @Test
  void smallChunksAlternatingBetweenProcessesAddUpAcrossParts() throws IOException {
    BlobContent[] processes = {content(), anotherProcess()};
    String id = newId();
    BlobUpload upload = processes[0].beginUpload(id);
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    int chunk = (int) (partSize() / 3) + 1;
    for (int i = 0; i < 8; i++) {
      byte[] bytes = bytes(chunk);
      upload = processes[i % 2].resumeUpload(id, upload.state());
      upload.append(new ByteArrayInputStream(bytes), bytes.length);
      whole.write(bytes);
    }
    upload = processes[0].resumeUpload(id, upload.state());
    assertThat(upload.size()).isEqualTo(whole.size());
    String location = upload.complete(sha256(whole.toByteArray())).commit();
    assertThat(read(processes[1], location)).isEqualTo(whole.toByteArray());
  }

  @Test
  void aChunkOfAnotherLengthThanDeclaredIsNotKept() throws IOException {
    BlobContent content = content();
    byte[] first = bytes(100);
    byte[] wrong = bytes(10);
    BlobUpload upload = content.beginUpload(newId());
    upload.append(new ByteArrayInputStream(first), first.length);
    assertThatThrownBy(() -> upload.append(new ByteArrayInputStream(wrong), 11))
        .isInstanceOf(SizeMismatchException.class);
    assertThatThrownBy(() -> upload.append(new ByteArrayInputStream(wrong), 9))
        .isInstanceOf(SizeMismatchException.class);
    assertThat(upload.size()).isEqualTo(first.length);
    byte[] second = bytes(50);
    upload.append(new ByteArrayInputStream(second), second.length);
    byte[] whole = concat(first, second);
    assertThat(read(content, upload.complete(sha256(whole)).commit())).isEqualTo(whole);
  }

  @Test
  void aChunkThatItsSourceBreaksLeavesAPrefixToGoOnFrom() throws IOException {
    BlobContent content = content();
    byte[] first = bytes(1000);
    byte[] second = bytes((int) partSize() + 100);
    BlobUpload upload = content.beginUpload(newId());
    upload.append(new ByteArrayInputStream(first), first.length);
    assertThatThrownBy(() -> upload.append(breaksAfter(second, second.length / 2), second.length))
        .isInstanceOf(IOException.class);
    long kept = upload.size();
    assertThat(kept).isBetween((long) first.length, (long) first.length + second.length / 2);
    BlobUpload going = anotherProcess().resumeUpload(upload.id(), upload.state());
    assertThat(going.size()).isEqualTo(kept);
    byte[] rest = Arrays.copyOfRange(second, (int) (kept - first.length), second.length);
    going.append(new ByteArrayInputStream(rest), rest.length);
    byte[] whole = concat(first, second);
    assertThat(read(content, going.complete(sha256(whole)).commit())).isEqualTo(whole);
  }

  @Test
  void completingWithAnotherDigestLeavesTheUploadToAbort() throws IOException {
    BlobContent content = content();
    byte[] bytes = bytes(2000);
    BlobUpload upload = content.beginUpload(newId());
    upload.append(new ByteArrayInputStream(bytes), bytes.length);
    assertThatThrownBy(() -> upload.complete(sha256(bytes(5))))
        .isInstanceOf(DigestMismatchException.class);
    upload.abort();
    assertThat(locations(content)).isEmpty();
  }

  @Test
  void anEmptyUploadCompletesToAnEmptyBlob() throws IOException {
    BlobContent content = content();
    BlobUpload upload = content.beginUpload(newId());
    String location = upload.complete(sha256(new byte[0])).commit();
    assertThat(content.size(location)).contains(0L);
    assertThat(read(content, location)).isEmpty();
  }

  @Test
  void anUploadVerifiesOtherAlgorithmsToo() throws IOException {
    BlobContent content = content();
    byte[] bytes = bytes(70_000);
    Digest sha512 = Digest.of(DigestAlgorithm.SHA512, bytes);
    BlobUpload upload = content.beginUpload(newId());
    upload.append(new ByteArrayInputStream(bytes), bytes.length);
    String location = upload.complete(sha512).commit();
    assertThat(read(content, location)).isEqualTo(bytes);
    assertThat(content.put(sha512, new ByteArrayInputStream(bytes), bytes.length).digest())
        .isEqualTo(sha512);
  }

  @Test
  void deleteRemovesTheContentOnce() throws IOException {
    BlobContent content = content();
    String location = put(content, bytes(300));
    assertThat(content.delete(location)).isTrue();
    assertThat(content.size(location)).isEmpty();
    assertThatThrownBy(() -> content.open(location)).isInstanceOf(BlobNotFoundException.class);
    assertThat(content.delete(location)).isFalse();
    assertThat(locations(content)).isEmpty();
  }

  @Test
  void locationsListCommittedContentAndNoUploadInProgress() throws IOException {
    BlobContent content = content();
    String one = put(content, bytes(10));
    String two = put(content, bytes(20));
    BlobUpload open = content.beginUpload(newId());
    open.append(new ByteArrayInputStream(bytes(30)), 30);
    assertThat(locations(content)).containsExactlyInAnyOrder(one, two);
  }

  @Test
  void quarantinedContentIsKeptAsideAndNoLongerListed() throws IOException {
    BlobContent content = content();
    byte[] bytes = bytes(1000);
    String location = put(content, bytes);
    String aside = content.quarantine(location, sha256(bytes));
    assertThat(aside).isNotEqualTo(location);
    assertThat(content.size(aside)).contains(1000L);
    assertThat(content.size(location)).isEmpty();
    assertThat(locations(content)).isEmpty();
  }

  @Test
  void aLocationNeverCommittedHasNoContent() throws IOException {
    BlobContent content = content();
    String location = put(content, bytes(10));
    content.delete(location);
    assertThat(content.size(location)).isEmpty();
    assertThatThrownBy(() -> content.resumeUpload(newId(), new byte[0]))
        .isInstanceOf(IOException.class);
  }

  protected final byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  protected static Digest sha256(byte[] bytes) {
    return Digest.of(DigestAlgorithm.SHA256, bytes);
  }

  protected static String put(BlobContent content, byte[] bytes) throws IOException {
    return content.put(sha256(bytes), new ByteArrayInputStream(bytes), bytes.length).commit();
  }

  protected static byte[] read(BlobContent content, String location) throws IOException {
    try (SeekableByteChannel channel = content.open(location);
        InputStream in = java.nio.channels.Channels.newInputStream(channel)) {
      return in.readAllBytes();
    }
  }

  protected static List<String> locations(BlobContent content) throws IOException {
    try (Stream<String> locations = content.locations()) {
      return locations.toList();
    }
  }

  protected static String newId() {
    return UUID.randomUUID().toString();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Gives the first {@code count} bytes, then fails as a dropped connection does. */
  protected static InputStream breaksAfter(byte[] bytes, int count) {
    return new InputStream() {
      private int position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (position >= count) {
          throw new IOException("connection reset by the test");
        }
        int n = Math.min(length, count - position);
        System.arraycopy(bytes, position, buffer, offset, n);
        position += n;
        return n;
      }
    };
  }
}
