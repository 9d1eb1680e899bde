package dev.ociregistry.servlet;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.layout.StoredBlob;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.servlet.internal.ByteRange;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blob GET, HEAD (end-2) and DELETE (end-10). GET streams through one buffer without a thread
 * waiting on a slow client ({@link StreamedAnswer}) and honours a single {@code Range}; HEAD
 * answers the same headers as GET and refreshes the blob's age for the garbage collector.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-blobs">
 *     distribution-spec: pulling blobs</a>
 */
final class BlobEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(BlobEndpoints.class);

  private final OciRegistry registry;
  private final StreamedAnswer answers;

  BlobEndpoints(OciRegistry registry, Duration downloadTimeout) {
    this.registry = registry;
    this.answers = new StreamedAnswer(new DownloadBuffers(), downloadTimeout);
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
    SeekableByteChannel channel = registry.blobs().open(name, digest);
    try {
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
      LOG.debug("blob pull {} {}: {} of {} bytes from {}", name, digest, length, size, first);
      answers.send(request, response, channel, first, length);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  void delete(HttpServletResponse response, RepositoryName name, Digest digest) throws IOException {
    registry.blobs().delete(name, digest);
    Responses.empty(response, HttpServletResponse.SC_ACCEPTED);
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
