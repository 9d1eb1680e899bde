package dev.ociregistry.s3;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.content.BlobUpload;
import dev.ociregistry.core.content.DigestMismatchException;
import dev.ociregistry.core.content.LeftoverNames;
import dev.ociregistry.core.content.LeftoverRepair;
import dev.ociregistry.core.content.SizeMismatchException;
import dev.ociregistry.core.content.StagedBlob;
import dev.ociregistry.core.digest.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blob content in a bucket of an S3-compatible store.
 *
 * <p>Every blob is an object of its own under {@code blobs/sha256/uploads/<id>}: where its upload
 * completed, since S3 has no rename and a copy would move every byte again. Which object holds a
 * digest is the metadata's record. A put of at most one part is one {@code PutObject}; anything
 * larger is a multipart upload. An upload's parts are spooled to a local directory first (the store
 * wants a part's length before its bytes, and a retry must send them again), so memory per upload
 * is a fixed buffer. Bytes that do not fill a part of at least the store's minimum (5 MiB) wait in
 * a small object of their own under {@code uploads/<id>/}, so the next append may run on another
 * replica.
 *
 * <p>Safe for concurrent use.
 */
public final class S3BlobContent implements BlobContent {
  /** The smallest part S3 accepts, the last part of an upload excepted. */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  /** The default part size: 10,000 parts of it make 312 GiB, the largest blob then. */
  public static final long DEFAULT_PART_SIZE = 32L * 1024 * 1024;

  static final String BLOB_PREFIX = "blobs/sha256/uploads/";
  static final String UPLOAD_PREFIX = "uploads/";

  private final S3Client s3;
  private final String bucket;
  private final Path spoolDirectory;
  private final long partSize;

  /**
   * Content in {@code bucket}.
   *
   * @param s3 the client, configured with the endpoint, region and credentials; not closed here
   * @param bucket the bucket, which must exist
   * @param spoolDirectory a local directory for parts on their way to the store
   * @param partSize the size of an upload's parts, at least {@link #MIN_PART_SIZE}
   * @throws IllegalArgumentException when {@code partSize} is below the minimum
   */
  public S3BlobContent(S3Client s3, String bucket, Path spoolDirectory, long partSize) {
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException(
          "part size " + partSize + " is below S3's minimum of " + MIN_PART_SIZE);
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.spoolDirectory = spoolDirectory;
    this.partSize = partSize;
  }

  @Override
  public Optional<Long> size(String location) throws IOException {
    try {
      return Optional.of(
          ObjectStoreCall.send(
              location, () -> s3.headObject(r -> r.bucket(bucket).key(location)).contentLength()));
    } catch (dev.ociregistry.core.content.BlobNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public SeekableByteChannel open(String location) throws IOException {
    long size =
        ObjectStoreCall.send(
            location, () -> s3.headObject(r -> r.bucket(bucket).key(location)).contentLength());
    return new S3RangeChannel(s3, bucket, location, size);
  }

  @Override
  public StagedBlob put(Digest expected, InputStream content, long expectedSize)
      throws IOException {
    if (expectedSize < 0 || expectedSize > partSize) {
      return putInParts(expected, content, expectedSize);
    }
    String key = BLOB_PREFIX + UUID.randomUUID();
    try (Spool spool = Spool.create(spoolDirectory)) {
      MessageDigest hash = expected.algorithm().newMessageDigest();
      long size = spool.fill(content, expectedSize + 1, hash::update);
      if (size != expectedSize) {
        throw new SizeMismatchException(expectedSize, size);
      }
      Digest actual = Digest.of(expected.algorithm(), hash);
      if (!actual.equals(expected)) {
        throw new DigestMismatchException(expected, actual);
      }
      Path file = spool.finish();
      ObjectStoreCall.send(
          key,
          () ->
              s3.putObject(
                  r -> r.bucket(bucket).key(key).contentLength(size), RequestBody.fromFile(file)));
      return new Staged(key, expected, size);
    }
  }

  private StagedBlob putInParts(Digest expected, InputStream content, long expectedSize)
      throws IOException {
    BlobUpload upload = beginUpload(UUID.randomUUID().toString());
    try {
      upload.append(content, expectedSize);
      return upload.complete(expected);
    } catch (IOException | RuntimeException e) {
      try {
        upload.abort();
      } catch (IOException | RuntimeException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e;
    }
  }

  @Override
  public BlobUpload beginUpload(String id) throws IOException {
    String key = BLOB_PREFIX + id;
    String multipartId =
        ObjectStoreCall.send(
            key, () -> s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId());
    return S3BlobUpload.fresh(this, id, multipartId);
  }

  @Override
  public BlobUpload resumeUpload(String id, byte[] state) throws IOException {
    S3UploadState decoded = S3UploadState.decode(state);
    String key = BLOB_PREFIX + id;
    ObjectStoreCall.send(
        "upload " + id,
        () ->
            s3.listParts(
                r -> r.bucket(bucket).key(key).uploadId(decoded.multipartId()).maxParts(1)));
    return S3BlobUpload.resumed(this, id, decoded);
  }

  @Override
  public boolean delete(String location) throws IOException {
    if (size(location).isEmpty()) {
      return false;
    }
    ObjectStoreCall.send(location, () -> s3.deleteObject(r -> r.bucket(bucket).key(location)));
    return true;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Copied server-side to {@code quarantine/<alg>/<hex>}, then deleted where it was.
   */
  @Override
  public String quarantine(String location, Digest digest) throws IOException {
    String aside = "quarantine/" + digest.algorithm().id() + "/" + digest.hex();
    ObjectStoreCall.send(
        location,
        () ->
            s3.copyObject(
                r ->
                    r.sourceBucket(bucket)
                        .sourceKey(location)
                        .destinationBucket(bucket)
                        .destinationKey(aside)));
    ObjectStoreCall.send(location, () -> s3.deleteObject(r -> r.bucket(bucket).key(location)));
    return aside;
  }

  @Override
  public Stream<String> locations() throws IOException {
    return ObjectStoreCall.send(
        BLOB_PREFIX,
        () ->
            s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(BLOB_PREFIX)).contents().stream()
                .map(S3Object::key));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Unnamed blob objects are marked under {@code leftovers/} by the first pass that finds them
   * and removed by a pass at least {@code age} later if still unnamed; multipart uploads and tails
   * of uploads no record names go once nothing was written to them for {@code age}.
   */
  @Override
  public LeftoverRepair removeLeftovers(LeftoverNames names, Duration age) throws IOException {
    return new S3Leftovers(s3, bucket, names, age).run();
  }

  S3Client s3() {
    return s3;
  }

  String bucket() {
    return bucket;
  }

  Path spoolDirectory() {
    return spoolDirectory;
  }

  long partSize() {
    return partSize;
  }

  /** Deletes every object under {@code prefix}: the tails an upload left. */
  void deleteAll(String prefix) throws IOException {
    ObjectStoreCall.send(
        prefix,
        () -> {
          for (S3Object object :
              s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            s3.deleteObject(r -> r.bucket(bucket).key(object.key()));
          }
          return null;
        });
  }

  /** Content already in its own object: committing it changes nothing, discarding deletes it. */
  final class Staged extends StagedBlob {
    private final String key;

    Staged(String key, Digest digest, long size) {
      super(digest, size);
      this.key = key;
    }

    @Override
    public String commit() {
      return key;
    }

    @Override
    public void discard() {
      try {
        delete(key);
      } catch (IOException | RuntimeException e) {
        // Left for the repair pass, which removes objects that no record names.
      }
    }
  }
}
