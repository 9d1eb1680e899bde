package dev.ociregistry.s3;

import dev.ociregistry.core.content.LeftoverNames;
import dev.ociregistry.core.content.LeftoverRepair;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One repair pass over a bucket: removes what a crash left that no record names.
 *
 * <p>A blob object no record names may be on its way from being written to being recorded, and the
 * store's own times do not say when it was written (a multipart object carries the time its upload
 * began). So the first pass to find it unnamed writes a marker, {@code leftovers/<key>}, and a pass
 * at least the age later removes the object if nothing names it still; a marker whose object got
 * named, or went, is removed. An upload's pieces (its multipart upload and its tails under {@code
 * uploads/<id>/}) go when no upload record names the upload and nothing was added to them for the
 * age: parts and tails carry the time they were written.
 */
final class S3Leftovers {
  static final String MARKER_PREFIX = "leftovers/";

  private final S3Client s3;
  private final String bucket;
  private final LeftoverNames names;
  private final Instant cutoff;
  private long waiting;
  private long removed;
  private long bytesFreed;

  S3Leftovers(S3Client s3, String bucket, LeftoverNames names, Duration age) {
    this.s3 = s3;
    this.bucket = bucket;
    this.names = names;
    this.cutoff = Instant.now().minus(age);
  }

  LeftoverRepair run() throws IOException {
    removeUnnamedBlobs();
    removeAbandonedMultipartUploads();
    removeAbandonedTails();
    return new LeftoverRepair(waiting, removed, bytesFreed);
  }

  private void removeUnnamedBlobs() throws IOException {
    Map<String, Instant> markers = new HashMap<>();
    forEachObject(
        MARKER_PREFIX,
        marker ->
            markers.put(marker.key().substring(MARKER_PREFIX.length()), marker.lastModified()));
    Set<String> stillUnnamed = new HashSet<>();
    forEachObject(
        S3BlobContent.BLOB_PREFIX,
        object -> {
          String key = object.key();
          if (named(key)) {
            return;
          }
          Instant markedAt = markers.get(key);
          if (markedAt != null && markedAt.isBefore(cutoff) && !named(key)) {
            delete(key);
            removed++;
            bytesFreed += object.size();
            return;
          }
          if (markedAt == null) {
            put(MARKER_PREFIX + key);
          }
          stillUnnamed.add(key);
          waiting++;
        });
    for (String key : markers.keySet()) {
      if (!stillUnnamed.contains(key)) {
        delete(MARKER_PREFIX + key);
      }
    }
  }

  private boolean named(String blobKey) throws IOException {
    return names.blob(blobKey)
        || names.upload(blobKey.substring(S3BlobContent.BLOB_PREFIX.length()));
  }

  private void removeAbandonedMultipartUploads() throws IOException {
    for (MultipartUpload upload : multipartUploads()) {
      String id = upload.key().substring(S3BlobContent.BLOB_PREFIX.length());
      if (names.upload(id)) {
        continue;
      }
      Instant lastWritten = upload.initiated();
      long size = 0;
      for (Part part : parts(upload)) {
        size += part.size();
        if (part.lastModified().isAfter(lastWritten)) {
          lastWritten = part.lastModified();
        }
      }
      if (lastWritten.isBefore(cutoff) && !names.upload(id)) {
        ObjectStoreCall.send(
            upload.key(),
            () ->
                s3.abortMultipartUpload(
                    r -> r.bucket(bucket).key(upload.key()).uploadId(upload.uploadId())));
        removed++;
        bytesFreed += size;
      } else {
        waiting++;
      }
    }
  }

  private void removeAbandonedTails() throws IOException {
    forEachObject(
        S3BlobContent.UPLOAD_PREFIX,
        tail -> {
          String rest = tail.key().substring(S3BlobContent.UPLOAD_PREFIX.length());
          String id = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
          if (names.upload(id)) {
            return;
          }
          if (tail.lastModified().isBefore(cutoff) && !names.upload(id)) {
            delete(tail.key());
            removed++;
            bytesFreed += tail.size();
          } else {
            waiting++;
          }
        });
  }

  /** What a pass does with each object it lists. */
  @FunctionalInterface
  private interface ObjectAction {
    void apply(S3Object object) throws IOException;
  }

  /** Lists the objects under {@code prefix} a page at a time: a bucket may hold millions. */
  private void forEachObject(String prefix, ObjectAction action) throws IOException {
    ObjectStoreCall.send(
        prefix,
        () -> {
          for (S3Object object :
              s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            action.apply(object);
          }
          return null;
        });
  }

  private List<MultipartUpload> multipartUploads() throws IOException {
    return ObjectStoreCall.send(
        "the bucket's multipart uploads",
        () ->
            s3
                .listMultipartUploadsPaginator(
                    r -> r.bucket(bucket).prefix(S3BlobContent.BLOB_PREFIX))
                .uploads()
                .stream()
                .toList());
  }

  private List<Part> parts(MultipartUpload upload) throws IOException {
    return ObjectStoreCall.send(
        upload.key(),
        () ->
            s3
                .listPartsPaginator(
                    r -> r.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()))
                .parts()
                .stream()
                .toList());
  }

  private void put(String key) throws IOException {
    ObjectStoreCall.send(
        key, () -> s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.empty()));
  }

  private void delete(String key) throws IOException {
    ObjectStoreCall.send(key, () -> s3.deleteObject(r -> r.bucket(bucket).key(key)));
  }
}
