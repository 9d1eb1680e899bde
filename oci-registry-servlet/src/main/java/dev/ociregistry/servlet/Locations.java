package dev.ociregistry.servlet;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;
import jakarta.servlet.http.HttpServletRequest;

/** The {@code Location} URLs the API answers with, relative to wherever the servlet is mounted. */
final class Locations {
  private Locations() {}

  static String base(HttpServletRequest request) {
    return request.getContextPath() + request.getServletPath();
  }

  static String blob(HttpServletRequest request, RepositoryName name, Digest digest) {
    return base(request) + "/" + name + "/blobs/" + digest;
  }

  static String upload(HttpServletRequest request, RepositoryName name, String id) {
    return base(request) + "/" + name + "/blobs/uploads/" + id;
  }

  static String manifest(HttpServletRequest request, RepositoryName name, String reference) {
    return base(request) + "/" + name + "/manifests/" + reference;
  }
}
