package dev.ociregistry.controller.api;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.StoredManifest;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether an {@code oci_url} points at this registry and, when it does and the registry is
 * enabled, which manifest it names today.
 */
final class ArtifactResolver {
  private final Optional<OciRegistry> registry;
  private final List<String> publicHosts;

  /** A manifest an {@code oci_url} resolved to. */
  record Resolved(RepositoryName repository, Digest digest) {}

  ArtifactResolver(Optional<OciRegistry> registry, List<String> publicHosts) {
    this.registry = registry;
    this.publicHosts =
        publicHosts.stream()
            .map(host -> host.trim().toLowerCase(Locale.ROOT))
            .filter(host -> !host.isEmpty())
            .toList();
  }

  Optional<OciRegistry> registry() {
    return registry;
  }

  /** Whether {@code url} points here, for a request sent to {@code requestHost}. */
  boolean pointsHere(OciUrl url, Optional<String> requestHost) {
    return url.pointsHere(requestHost, publicHosts);
  }

  /**
   * Checks a recipe's {@code oci_url} that points here: the registry must be able to take its
   * repository and reference, and with the registry enabled it must name an existing manifest.
   *
   * @throws ApiException 400 naming {@code oci_url} when it does not
   */
  void checkLocal(OciUrl url) throws IOException {
    parse(url);
    if (registry.isPresent() && find(url).isEmpty()) {
      throw ApiException.badRequest(
          OciUrl.FIELD,
          "oci_url "
              + url
              + " points at this registry, but repository "
              + url.repository()
              + " has no manifest "
              + url.reference());
    }
  }

  /**
   * The manifest {@code url} names in this registry today; empty when the registry is disabled or
   * holds no such manifest.
   *
   * @throws ApiException 400 naming {@code oci_url} when the registry cannot take the reference (a
   *     digest algorithm it does not support)
   */
  Optional<Resolved> find(OciUrl url) throws IOException {
    if (registry.isEmpty()) {
      return Optional.empty();
    }
    RepositoryName repository = RepositoryName.parse(url.repository());
    Reference reference = parse(url);
    Optional<StoredManifest> manifest = registry.get().manifests().stat(repository, reference);
    return manifest.map(m -> new Resolved(repository, m.digest()));
  }

  /** The reference as the registry takes it; {@link OciUrl} already checked the repository. */
  private static Reference parse(OciUrl url) {
    try {
      return Reference.parse(url.reference());
    } catch (RegistryException e) {
      throw ApiException.badRequest(OciUrl.FIELD, "oci_url: " + e.getMessage());
    }
  }
}
