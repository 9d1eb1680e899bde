package dev.ociregistry.servlet;

/** What a request wants to do, as the {@link RegistryAuthorizer} sees it. */
public enum RegistryAction {
  /** Read manifests, blobs, tags and referrers of a repository. */
  PULL,
  /** Upload blobs, push manifests and tags, mount into a repository. */
  PUSH,
  /** Delete manifests, tags and blobs of a repository. */
  DELETE,
  /** List the repositories of the registry, or ping {@code /v2/}. */
  CATALOG
}
