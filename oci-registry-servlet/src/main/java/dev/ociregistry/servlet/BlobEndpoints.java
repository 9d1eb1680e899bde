package dev.ociregistry.servlet;

import dev.ociregistry.core.ErrorCode;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryException;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.layout.StoredBlob;
import dev.ociregistry.core.model.RepositoryName;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;

/**
 * Blob GET, HEAD (end-2) and DELETE (end-10). GET streams through one fixed buffer and honours a
 * single {@code Range}; HEAD answers the same headers as GET and refreshes the blob's age for the
 * garbage collector.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-blobs">
 *     distribution-spec: pulling blobs</a>
 */
final class BlobEndpoints {
  /**
   * What one download holds while it streams. Provisioning pulls one layer to a whole rack at once
   * and every download waiting on a full socket keeps its buffer, so it is kept small: 200 of them
   * cost 12.5 MiB of a 64 MiB heap (256 KiB buffers ran such a heap out of memory).
   */
  private static final int DOWNLOAD_BUFFER_SIZE = 64 * 1024;

  private final OciRegistry registry;
  private final Duration downloadTimeout;

  BlobEndpoints(OciRegistry registry, Duration downloadTimeout) {
    this.registry = registry;
    this.downloadTimeout = downloadTimeout;
  }

  void head(HttpServletResponse response, RepositoryName name, Digest digest) throws IOException {
    StoredBlob blob =
        registry.blobs().statAndRefresh(name, digest).orElseThrow(() -> unknown(name, digest));
    blobHeaders(response, blob);
    response.setContentLengthLong(blob.size());
    response.setStatus(HttpServletResponse.SC_OK);
  }

  void get(
      HttpServletRequest request, HttpServletResponse response, RepositoryName name, Digest digest)
      throws IOException {
    try (SeekableByteChannel channel = registry.blobs().open(name, digest)) {
      long size = channel.size();
      blobHeaders(response, new StoredBlob(digest, size));
      ByteRange.Request range = ByteRange.ofRangeHeader(request.getHeader("Range"), size);
      if (range instanceof ByteRange.Unsatisfiable) {
        response.setHeader("Content-Range", "bytes */" + size);
        throw new RegistryException(
            ErrorCode.RANGE_NOT_SATISFIABLE,
            "range " + request.getHeader("Range") + " is outside the blob's " + size + " bytes");
      }
      long first = 0;
      long length = size;
      if (range instanceof ByteRange.Partial partial) {
        first = partial.range().first();
        length = partial.range().length();
        response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
        response.setHeader(
            "Content-Range", "bytes " + first + "-" + partial.range().last() + "/" + size);
      } else {
        response.setStatus(HttpServletResponse.SC_OK);
      }
      response.setContentLengthLong(length);
      copy(channel, first, length, response.getOutputStream());
    }
  }

  void delete(HttpServletResponse response, RepositoryName name, Digest digest) throws IOException {
    registry.blobs().delete(name, digest);
    Responses.empty(response, HttpServletResponse.SC_ACCEPTED);
  }

  private void copy(SeekableByteChannel channel, long first, long length, OutputStream out)
      throws IOException {
    long deadline = System.nanoTime() + downloadTimeout.toNanos();
    ByteBuffer buffer = ByteBuffer.allocate(DOWNLOAD_BUFFER_SIZE);
    channel.position(first);
    long remaining = length;
    while (remaining > 0) {
      if (System.nanoTime() - deadline > 0) {
        throw new ClientIOException("download exceeded its time limit of " + downloadTimeout, null);
      }
      buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
      int read = channel.read(buffer);
      if (read < 0) {
        throw new IOException("blob ended " + remaining + " bytes early");
      }
      try {
        out.write(buffer.array(), 0, read);
      } catch (IOException e) {
        throw new ClientIOException("the client stopped reading: " + e.getMessage(), e);
      }
      remaining -= read;
    }
  }

  private static void blobHeaders(HttpServletResponse response, StoredBlob blob) {
    response.setContentType("application/octet-stream");
    response.setHeader("Docker-Content-Digest", blob.digest().toString());
    response.setHeader("Accept-Ranges", "bytes");
    response.setHeader("ETag", "\"" + blob.digest() + "\"");
  }

  private static RegistryException unknown(RepositoryName name, Digest digest) {
    return new RegistryException(
        ErrorCode.BLOB_UNKNOWN,
        "blob " + digest + " is not known in repository " + name,
        digest.toString());
  }
}
