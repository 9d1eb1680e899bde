package dev.ociregistry.servlet;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.layout.StoredBlob;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.upload.UploadStatus;
import dev.ociregistry.servlet.internal.AdmissionQueue;
import dev.ociregistry.servlet.internal.ByteRange;
import dev.ociregistry.servlet.internal.DeadlineInputStream;
import dev.ociregistry.servlet.internal.QueryParameters;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blob uploads: POST opens a session (end-4a), stores a whole blob with {@code ?digest=} (end-4b)
 * or mounts one from another repository with {@code ?mount=&from=} (end-11); PATCH appends a chunk
 * (end-5); PUT closes the session (end-6); GET reports progress (end-13); DELETE cancels. Every
 * request that streams data takes one of a fixed number of upload slots, or gets 429.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-blobs">
 *     distribution-spec: pushing blobs</a>
 */
final class UploadEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(UploadEndpoints.class);

  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private final OciRegistry registry;
  private final ServletOptions options;
  private final RegistryAuthorizer authorizer;
  private final RegistryListener listener;
  private final AdmissionQueue uploadSlots;

  UploadEndpoints(
      OciRegistry registry,
      ServletOptions options,
      RegistryAuthorizer authorizer,
      RegistryListener listener) {
    this.registry = registry;
    this.options = options;
    this.authorizer = authorizer;
    this.listener = listener;
    this.uploadSlots =
        new AdmissionQueue(
            options.maxConcurrentUploads(),
            ServletOptions.MAX_WAITING_UPLOADS,
            options.uploadQueueTimeout());
  }

  void post(HttpServletRequest request, HttpServletResponse response, RepositoryName name)
      throws IOException {
    QueryParameters query = QueryParameters.of(request);
    Optional<String> mount = query.get("mount", ErrorCode.DIGEST_INVALID);
    if (mount.isPresent() && mount(request, response, name, Digest.parse(mount.get()), query)) {
      return;
    }
    Optional<String> digest = query.get("digest", ErrorCode.DIGEST_INVALID);
    if (digest.isPresent()) {
      Digest expected = Digest.parse(digest.get());
      StoredBlob blob =
          withUploadSlot(
              name,
              () ->
                  registry
                      .blobs()
                      .put(name, expected, body(request), request.getContentLengthLong()));
      created(request, response, name, blob);
      return;
    }
    UploadStatus status = registry.uploads().start(name);
    accepted(request, response, status, HttpServletResponse.SC_ACCEPTED);
  }

  void patch(
      HttpServletRequest request, HttpServletResponse response, RepositoryName name, String id)
      throws IOException {
    Chunk chunk = chunk(request);
    UploadStatus status =
        withUploadSlot(
            name,
            () ->
                registry.uploads().append(name, id, chunk.start(), chunk.length(), body(request)));
    accepted(request, response, status, HttpServletResponse.SC_ACCEPTED);
  }

  void put(HttpServletRequest request, HttpServletResponse response, RepositoryName name, String id)
      throws IOException {
    Digest digest =
        Digest.parse(
            QueryParameters.of(request)
                .get("digest", ErrorCode.DIGEST_INVALID)
                .orElseThrow(
                    () ->
                        new RegistryException(
                            ErrorCode.DIGEST_INVALID,
                            "closing an upload needs the digest query parameter")));
    StoredBlob blob;
    if (hasBody(request)) {
      Chunk chunk = chunk(request);
      blob =
          withUploadSlot(
              name,
              () ->
                  registry
                      .uploads()
                      .complete(name, id, digest, chunk.start(), chunk.length(), body(request)));
    } else {
      blob = registry.uploads().complete(name, id, digest, -1, -1, null);
    }
    created(request, response, name, blob);
  }

  void status(
      HttpServletRequest request, HttpServletResponse response, RepositoryName name, String id)
      throws IOException {
    accepted(
        request, response, registry.uploads().status(name, id), HttpServletResponse.SC_NO_CONTENT);
  }

  void cancel(HttpServletResponse response, RepositoryName name, String id) throws IOException {
    registry.uploads().cancel(name, id);
    Responses.empty(response, HttpServletResponse.SC_NO_CONTENT);
  }

  private boolean mount(
      HttpServletRequest request,
      HttpServletResponse response,
      RepositoryName name,
      Digest digest,
      QueryParameters query)
      throws IOException {
    Optional<String> from = query.get("from", ErrorCode.NAME_INVALID);
    Optional<RepositoryName> source;
    if (from.isPresent()) {
      source = Optional.of(RepositoryName.parse(from.get()));
      if (!authorizer.permits(request, RegistryAction.READ, source.get())) {
        return false;
      }
    } else if (authorizer.readsEverything(request)) {
      source = Optional.empty();
    } else {
      source = readableSourceOf(request, name, digest);
      if (source.isEmpty()) {
        return false;
      }
    }
    Optional<StoredBlob> mounted = registry.blobs().mount(name, digest, source);
    if (mounted.isEmpty()) {
      return false;
    }
    created(request, response, name, mounted.get());
    return true;
  }

  /**
   * A repository the caller may read that holds the blob, for a mount that names no source: a mount
   * must never make content visible that the caller could not read where it is.
   */
  private Optional<RepositoryName> readableSourceOf(
      HttpServletRequest request, RepositoryName target, Digest digest) throws IOException {
    for (RepositoryName candidate : registry.catalog().list()) {
      if (!candidate.equals(target)
          && registry.blobs().stat(candidate, digest).isPresent()
          && authorizer.permits(request, RegistryAction.READ, candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private void created(
      HttpServletRequest request,
      HttpServletResponse response,
      RepositoryName name,
      StoredBlob blob) {
    listener.blobPushed(name, blob.digest(), blob.size());
    LOG.debug("blob {} ({} bytes) stored in {}", blob.digest(), blob.size(), name);
    response.setHeader("Location", Locations.blob(request, name, blob.digest()));
    response.setHeader("Docker-Content-Digest", blob.digest().toString());
    Responses.empty(response, HttpServletResponse.SC_CREATED);
  }

  private static void accepted(
      HttpServletRequest request, HttpServletResponse response, UploadStatus status, int code) {
    response.setHeader("Location", Locations.upload(request, status.repository(), status.id()));
    response.setHeader("Range", ByteRange.uploadProgress(status.offset()));
    response.setHeader("Docker-Upload-UUID", status.id());
    Responses.empty(response, code);
  }

  private record Chunk(long start, long length) {}

  private static Chunk chunk(HttpServletRequest request) {
    Optional<ByteRange> range;
    try {
      range = ByteRange.ofContentRange(request.getHeader("Content-Range"));
    } catch (IllegalArgumentException e) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_RANGE_INVALID, e.getMessage());
    }
    long contentLength = request.getContentLengthLong();
    if (range.isEmpty()) {
      return new Chunk(-1, contentLength);
    }
    if (contentLength >= 0 && contentLength != range.get().length()) {
      throw new RegistryException(
          ErrorCode.SIZE_INVALID,
          "Content-Length "
              + contentLength
              + " does not match Content-Range "
              + request.getHeader("Content-Range"));
    }
    return new Chunk(range.get().first(), range.get().length());
  }

  private InputStream body(HttpServletRequest request) throws IOException {
    return DeadlineInputStream.of(request, options.uploadTimeout());
  }

  private static boolean hasBody(HttpServletRequest request) {
    long length = request.getContentLengthLong();
    if (length > 0) {
      return true;
    }
    String encoding = request.getHeader("Transfer-Encoding");
    return length < 0 && encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
  }

  private interface Transfer<T> {
    T run() throws IOException;
  }

  private <T> T withUploadSlot(RepositoryName name, Transfer<T> transfer) throws IOException {
    if (!uploadSlots.admit(1)) {
      listener.uploadRefused(name);
      throw new RetryLaterException(
          "more than "
              + options.maxConcurrentUploads()
              + " uploads at once for longer than "
              + options.uploadQueueTimeout().toSeconds()
              + " s; retry later",
          RETRY_AFTER);
    }
    try {
      return transfer.run();
    } finally {
      uploadSlots.release(1);
    }
  }
}
