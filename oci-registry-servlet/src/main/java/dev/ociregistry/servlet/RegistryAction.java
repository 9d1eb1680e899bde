package dev.ociregistry.servlet;

/**
 * What a request wants to do, as the {@link RegistryAuthorizer} sees it. The servlet maps each
 * method and endpoint to one of these in one place ({@link OciRegistryServlet}): GET and HEAD read;
 * uploads and mounts create; a manifest PUT creates, or updates when its tag exists; DELETE
 * deletes.
 */
public enum RegistryAction {
  /** {@code GET /v2/}: whether the client may use the registry at all (a 401 says: log in). */
  PING,
  /** {@code GET /v2/_catalog}; the listing then shows only repositories the caller may read. */
  CATALOG,
  /** Read manifests, blobs, tags and referrers of a repository. */
  READ,
  /** Upload blobs, mount them, push a manifest by digest or under a new tag. */
  CREATE,
  /** Push a manifest under a tag that exists: the tag moves. */
  UPDATE,
  /** Delete manifests, tags and blobs of a repository. */
  DELETE
}
