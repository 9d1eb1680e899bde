package dev.ociregistry.servlet;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.manifest.PushedManifest;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.StoredManifest;
import dev.ociregistry.servlet.internal.BodyReadAhead;
import dev.ociregistry.servlet.internal.ClientIOException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manifest GET and HEAD (end-3), PUT (end-7) and DELETE (end-9), by tag or by digest. Bodies are
 * stored and served as the exact bytes pushed; a body over the limit is refused with 413 before it
 * is read whole, and bodies are read ahead without a thread waiting on the client ({@link
 * BodyReadAhead}).
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-manifests">
 *     distribution-spec: pushing manifests</a>
 */
final class ManifestEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestEndpoints.class);

  private final OciRegistry registry;
  private final RegistryListener listener;
  private final BodyReadAhead bodies;

  ManifestEndpoints(OciRegistry registry, RegistryListener listener, ServletOptions options) {
    this.registry = registry;
    this.listener = listener;
    this.bodies = new BodyReadAhead(options.bodyMemoryBytes(), options.uploadTimeout());
  }

  /**
   * The body of a manifest push, or empty while it is read: the request comes back when it is.
   *
   * @throws RegistryException 413 over the size limit, 429 when too many are in memory
   * @throws ClientIOException when the client broke off or ran out of time
   */
  Optional<byte[]> body(HttpServletRequest request) throws IOException {
    int max = registry.manifests().maxManifestBytes();
    try {
      return bodies.body(request, max);
    } catch (BodyReadAhead.BodyException e) {
      switch (e.failure()) {
        case TOO_LARGE -> throw tooLarge(Math.max(request.getContentLengthLong(), max + 1L), max);
        case BUSY -> throw new RetryLaterException(e.getMessage(), BodyReadAhead.MAX_WAIT);
        default -> throw new ClientIOException(e.getMessage(), e);
      }
    }
  }

  void get(HttpServletResponse response, RepositoryName name, Reference reference)
      throws IOException {
    StoredManifest manifest =
        registry.manifests().get(name, reference).orElseThrow(() -> unknown(name, reference));
    manifestHeaders(response, manifest);
    response.setStatus(HttpServletResponse.SC_OK);
    LOG.debug(
        "manifest pull {} {} ({} bytes)",
        named(name, reference),
        manifest.digest(),
        manifest.size());
    Responses.send(response, manifest.content());
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
      boolean mayMoveTag,
      byte[] body)
      throws IOException {
    PushedManifest pushed =
        registry.manifests().put(name, reference, body, request.getContentType(), mayMoveTag);
    listener.manifestPushed(name, pushed.digest());
    LOG.debug(
        "manifest push {} {} ({} bytes)", named(name, reference), pushed.digest(), body.length);
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
    LOG.debug(
        "{} delete {}",
        reference.digest().isPresent() ? "manifest" : "tag",
        named(name, reference));
    Responses.empty(response, HttpServletResponse.SC_ACCEPTED);
  }

  /** {@code name:tag} or {@code name@digest}, as clients write references. */
  private static String named(RepositoryName name, Reference reference) {
    return reference.tag().isPresent()
        ? name + ":" + reference.tag().get()
        : name + "@" + reference.digest().orElseThrow();
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
