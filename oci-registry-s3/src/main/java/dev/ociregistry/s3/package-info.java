/**
 * Blob content in S3-compatible object storage (AWS S3, MinIO, Ceph RGW, SeaweedFS), for several
 * registry replicas sharing one bucket.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html">Amazon S3:
 *     multipart upload</a>
 */
package dev.ociregistry.s3;
