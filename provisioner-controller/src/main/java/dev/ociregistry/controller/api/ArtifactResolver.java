package dev.ociregistry.controller.api;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.StoredManifest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether an {@code oci_url} points at this registry ({@link RegistryAddresses}) and, when
 * it does and the registry is enabled, which manifest it names today. A local {@code oci_url} whose
 * repository holds no such tag or manifest is refused with 422, naming the repository and the tag
 * (or digest): the request is well formed, but this registry cannot serve what it names.
 */
final class ArtifactResolver {
  private final Optional<OciRegistry> registry;
  private final RegistryAddresses addresses;

  /** A manifest an {@code oci_url} resolved to. */
  record Resolved(RepositoryName repository, Digest digest) {}

  ArtifactResolver(Optional<OciRegistry> registry, RegistryAddresses addresses) {
    this.registry = registry;
    this.addresses = addresses;
  }

  Optional<OciRegistry> registry() {
    return registry;
  }

  /** Whether {@code url} points here, for a request that reached this server as {@code at}. */
  RegistryAddresses.Locality locate(OciUrl url, RegistryAddresses.Reached at) {
    return addresses.locate(url, at);
  }

  /**
   * Checks a recipe's {@code oci_url} that points here: the registry must be able to take its
   * repository and reference, and with the registry enabled it must name an existing manifest.
   *
   * @throws ApiException 400 naming {@code oci_url} for a reference the registry cannot take, 422
   *     naming {@code oci_url} when the repository holds no such manifest
   */
  void checkLocal(OciUrl url) throws IOException {
    parse(url);
    if (registry.isPresent() && find(url).isEmpty()) {
      throw missing(
          OciUrl.FIELD,
          "oci_url " + url + " points at this registry, but " + missingWhat(url),
          url);
    }
  }

  /**
   * 422: {@code url} points here, but its repository holds no such tag or manifest.
   *
   * @param field the input at fault
   * @param message what the client asked for, ending with {@link #missingWhat}
   */
  static ApiException missing(String field, String message, OciUrl url) {
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("oci_url", url.text());
    detail.put("repository", url.repository());
    detail.put(url.byDigest() ? "digest" : "tag", url.reference());
    return ApiException.unprocessable(field, message, detail);
  }

  /** "repository R holds no tag T" (or "no manifest D"). */
  static String missingWhat(OciUrl url) {
    return "repository "
        + url.repository()
        + " holds no "
        + (url.byDigest() ? "manifest " : "tag ")
        + url.reference();
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
