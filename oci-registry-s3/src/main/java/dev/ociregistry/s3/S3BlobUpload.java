package dev.ociregistry.s3;

import dev.ociregistry.core.content.BlobUpload;
import dev.ociregistry.core.content.DigestMismatchException;
import dev.ociregistry.core.content.SizeMismatchException;
import dev.ociregistry.core.content.StagedBlob;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.digest.ResumableSha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A multipart upload, hashed with a SHA-256 whose state travels with the upload's state. An append
 * that fails keeps nothing of its chunk: parts it uploaded are not in the state, and the next
 * append uploads over their numbers.
 */
final class S3BlobUpload implements BlobUpload {
  private static final int MAX_PARTS = 10_000;

  private final S3BlobContent content;
  private final S3Client s3;
  private final String bucket;
  private final String id;
  private final String key;
  private volatile S3UploadState state;
  private ResumableSha256 hash;

  private S3BlobUpload(S3BlobContent content, String id, S3UploadState state) throws IOException {
    this.content = content;
    this.s3 = content.s3();
    this.bucket = content.bucket();
    this.id = id;
    this.key = S3BlobContent.BLOB_PREFIX + id;
    this.state = state;
    try {
      this.hash = ResumableSha256.restore(state.hashState());
    } catch (IllegalArgumentException e) {
      throw new IOException("upload " + id + " has a damaged hash state", e);
    }
  }

  static S3BlobUpload fresh(S3BlobContent content, String id, String multipartId)
      throws IOException {
    return new S3BlobUpload(
        content,
        id,
        new S3UploadState(multipartId, List.of(), "", 0, new ResumableSha256().exportState()));
  }

  static S3BlobUpload resumed(S3BlobContent content, String id, S3UploadState state)
      throws IOException {
    return new S3BlobUpload(content, id, state);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public long size() {
    return state.size();
  }

  @Override
  public byte[] state() {
    return state.encode();
  }

  @Override
  public long append(InputStream chunk, long length) throws IOException {
    S3UploadState before = state;
    long limit = length >= 0 ? length + 1 : Long.MAX_VALUE;
    ResumableSha256 running = hash.copy();
    List<S3UploadState.Part> parts = new ArrayList<>(before.parts());
    String tailKey = "";
    long tailSize = 0;
    long copied = 0;
    boolean ended = false;
    try (InputStream tail = openTail(before)) {
      boolean tailTaken = false;
      while (!ended) {
        try (Spool spool = Spool.create(content.spoolDirectory())) {
          if (!tailTaken) {
            spool.fill(tail, before.tailSize(), Spool.Observer.NONE);
            tailTaken = true;
          }
          long want = Math.min(content.partSize() - spool.size(), limit - copied);
          long got = spool.fill(chunk, want, running::update);
          copied += got;
          ended = got < want || copied == limit;
          if (ended && length >= 0 && copied != length) {
            throw new SizeMismatchException(length, copied);
          }
          if (!ended || spool.size() >= S3BlobContent.MIN_PART_SIZE) {
            parts.add(uploadPart(before.multipartId(), parts.size() + 1, spool));
          } else if (spool.size() > 0) {
            tailKey = S3BlobContent.UPLOAD_PREFIX + id + "/tail-" + UUID.randomUUID();
            putTail(tailKey, spool);
            tailSize = spool.size();
          }
        }
      }
    }
    hash = running;
    state =
        new S3UploadState(before.multipartId(), parts, tailKey, tailSize, running.exportState());
    return state.size();
  }

  @Override
  public StagedBlob complete(Digest expected) throws IOException {
    S3UploadState current = state;
    if (expected.algorithm() == DigestAlgorithm.SHA256) {
      Digest actual = hash.copy().digest();
      if (!actual.equals(expected)) {
        throw new DigestMismatchException(expected, actual);
      }
    }
    List<CompletedPart> completed = new ArrayList<>();
    for (S3UploadState.Part part : current.parts()) {
      completed.add(CompletedPart.builder().partNumber(part.number()).eTag(part.etag()).build());
    }
    if (current.tailSize() > 0) {
      completed.add(copyTailAsLastPart(current, completed.size() + 1));
    }
    if (completed.isEmpty()) {
      abortMultipart(current);
      ObjectStoreCall.send(
          key, () -> s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.empty()));
    } else {
      ObjectStoreCall.send(
          key,
          () ->
              s3.completeMultipartUpload(
                  r ->
                      r.bucket(bucket)
                          .key(key)
                          .uploadId(current.multipartId())
                          .multipartUpload(m -> m.parts(completed))));
    }
    content.deleteAll(S3BlobContent.UPLOAD_PREFIX + id + "/");
    S3BlobContent.Staged staged = content.new Staged(key, expected, current.size());
    if (expected.algorithm() != DigestAlgorithm.SHA256) {
      verifyStored(staged, expected);
    }
    return staged;
  }

  @Override
  public void abort() throws IOException {
    abortMultipart(state);
    content.deleteAll(S3BlobContent.UPLOAD_PREFIX + id + "/");
  }

  private InputStream openTail(S3UploadState current) throws IOException {
    if (current.tailSize() == 0) {
      return InputStream.nullInputStream();
    }
    return ObjectStoreCall.send(
        current.tailKey(), () -> s3.getObject(r -> r.bucket(bucket).key(current.tailKey())));
  }

  private S3UploadState.Part uploadPart(String multipartId, int number, Spool spool)
      throws IOException {
    if (number > MAX_PARTS) {
      throw new IOException(
          "upload "
              + id
              + " outgrows the object store's "
              + MAX_PARTS
              + " parts of "
              + content.partSize()
              + " bytes");
    }
    long size = spool.size();
    Path file = spool.finish();
    String etag =
        ObjectStoreCall.send(
            "upload " + id,
            () ->
                s3.uploadPart(
                        r ->
                            r.bucket(bucket)
                                .key(key)
                                .uploadId(multipartId)
                                .partNumber(number)
                                .contentLength(size),
                        RequestBody.fromFile(file))
                    .eTag());
    return new S3UploadState.Part(number, size, etag);
  }

  private void putTail(String tailKey, Spool spool) throws IOException {
    long size = spool.size();
    Path file = spool.finish();
    ObjectStoreCall.send(
        tailKey,
        () ->
            s3.putObject(
                r -> r.bucket(bucket).key(tailKey).contentLength(size),
                RequestBody.fromFile(file)));
  }

  private CompletedPart copyTailAsLastPart(S3UploadState current, int number) throws IOException {
    String etag =
        ObjectStoreCall.send(
            current.tailKey(),
            () ->
                s3.uploadPartCopy(
                        r ->
                            r.sourceBucket(bucket)
                                .sourceKey(current.tailKey())
                                .destinationBucket(bucket)
                                .destinationKey(key)
                                .uploadId(current.multipartId())
                                .partNumber(number))
                    .copyPartResult()
                    .eTag());
    return CompletedPart.builder().partNumber(number).eTag(etag).build();
  }

  private void abortMultipart(S3UploadState current) throws IOException {
    try {
      s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(current.multipartId()));
    } catch (S3Exception e) {
      if (!ObjectStoreCall.isNotFound(e)) {
        throw new IOException("object store failed to abort upload " + id, e);
      }
    }
  }

  /** Hashes the stored object again: only SHA-256 runs along an upload's appends. */
  private void verifyStored(S3BlobContent.Staged staged, Digest expected) throws IOException {
    MessageDigest other = expected.algorithm().newMessageDigest();
    try (SeekableByteChannel channel = content.open(key);
        InputStream in = Channels.newInputStream(channel)) {
      byte[] buffer = new byte[64 * 1024];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        other.update(buffer, 0, read);
      }
    }
    Digest actual = Digest.of(expected.algorithm(), other);
    if (!actual.equals(expected)) {
      staged.discard();
      throw new DigestMismatchException(expected, actual);
    }
  }
}
