package dev.ociregistry.servlet;

import dev.ociregistry.core.ErrorCode;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryException;
import dev.ociregistry.core.manifest.PushedManifest;
import dev.ociregistry.core.manifest.StoredManifest;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Manifest GET and HEAD (end-3), PUT (end-7) and DELETE (end-9), by tag or by digest. Bodies are
 * stored and served as the exact bytes pushed; a body over the limit is refused with 413 before it
 * is read whole.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-manifests">
 *     distribution-spec: pushing manifests</a>
 */
final class ManifestEndpoints {
  private final OciRegistry registry;
  private final RegistryListener listener;
  private final Duration uploadTimeout;

  ManifestEndpoints(OciRegistry registry, RegistryListener listener, Duration uploadTimeout) {
    this.registry = registry;
    this.listener = listener;
    this.uploadTimeout = uploadTimeout;
  }

  void get(HttpServletResponse response, RepositoryName name, Reference reference)
      throws IOException {
    StoredManifest manifest =
        registry.manifests().get(name, reference).orElseThrow(() -> unknown(name, reference));
    manifestHeaders(response, manifest);
    response.setStatus(HttpServletResponse.SC_OK);
    response.getOutputStream().write(manifest.content());
  }

  void head(HttpServletResponse response, RepositoryName name, Reference reference)
      throws IOException {
    StoredManifest manifest =
        registry.manifests().stat(name, reference).orElseThrow(() -> unknown(name, reference));
    manifestHeaders(response, manifest);
    response.setStatus(HttpServletResponse.SC_OK);
  }

  void put(
      HttpServletRequest request,
      HttpServletResponse response,
      RepositoryName name,
      Reference reference,
      boolean mayMoveTag)
      throws IOException {
    byte[] body = readBounded(request, registry.manifests().maxManifestBytes(), uploadTimeout);
    PushedManifest pushed =
        registry.manifests().put(name, reference, body, request.getContentType(), mayMoveTag);
    listener.manifestPushed(name, pushed.digest());
    response.setHeader("Location", Locations.manifest(request, name, pushed.digest().toString()));
    response.setHeader("Docker-Content-Digest", pushed.digest().toString());
    pushed.subject().ifPresent(subject -> response.setHeader("OCI-Subject", subject.toString()));
    Responses.empty(response, HttpServletResponse.SC_CREATED);
  }

  void delete(HttpServletResponse response, RepositoryName name, Reference reference)
      throws IOException {
    if (reference.digest().isPresent()) {
      registry.manifests().delete(name, reference.digest().get());
      listener.manifestDeleted(name, reference.digest().get());
    } else {
      registry.manifests().deleteTag(name, reference.tag().orElseThrow());
    }
    Responses.empty(response, HttpServletResponse.SC_ACCEPTED);
  }

  private static byte[] readBounded(HttpServletRequest request, int max, Duration timeout)
      throws IOException {
    long declared = request.getContentLengthLong();
    try (InputStream in = DeadlineInputStream.of(request, timeout)) {
      return RequestBodies.readAtMost(in, declared, max)
          .orElseThrow(() -> tooLarge(Math.max(declared, max + 1L), max));
    }
  }

  private static void manifestHeaders(HttpServletResponse response, StoredManifest manifest) {
    response.setContentType(manifest.mediaType());
    response.setContentLengthLong(manifest.size());
    response.setHeader("Docker-Content-Digest", manifest.digest().toString());
    response.setHeader("ETag", "\"" + manifest.digest() + "\"");
  }

  private static RegistryException tooLarge(long size, int max) {
    return new RegistryException(
        ErrorCode.MANIFEST_TOO_LARGE,
        "manifest of " + size + " bytes or more exceeds the limit of " + max + " bytes");
  }

  private static RegistryException unknown(RepositoryName name, Reference reference) {
    return new RegistryException(
        ErrorCode.MANIFEST_UNKNOWN,
        "manifest " + reference + " is not known in repository " + name,
        reference.toString());
  }
}
