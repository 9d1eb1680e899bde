package dev.ociregistry.controller.audit;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.servlet.Route;
import dev.ociregistry.servlet.auth.BasicAuthenticator;
import dev.ociregistry.servlet.auth.Principal;
import dev.ociregistry.servlet.internal.AsyncCompletion;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Records what requests did, after they are answered: on {@code /v2}, a manifest pushed ({@code
 * push}, or {@code tag-move} when it moved a tag that named another manifest), a manifest pulled
 * ({@code pull}), a manifest, tag or blob deleted ({@code delete}); on every route, a request
 * refused for its credentials or rights ({@code denied}: 401, 403, 429).
 */
public final class AuditFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  private final transient AuditLog audit;
  private final transient Optional<OciRegistry> registry;

  public AuditFilter(AuditLog audit, Optional<OciRegistry> registry) {
    this.audit = audit;
    this.registry = registry;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    // Decoded and normalised, as the servlets see it: what the audit names is what was acted on.
    String path = request.getServletPath() + Objects.toString(request.getPathInfo(), "");
    Optional<Route.Match> route =
        path.startsWith("/v2/") ? Route.match(path.substring(3)) : Optional.empty();
    Optional<String> before = tagTarget(request, route);
    chain.doFilter(request, response);
    if (request.isAsyncStarted()) {
      // The body is still being read; the request is answered, and audited, when it ends.
      AsyncCompletion.whenComplete(
          request.getAsyncContext(), () -> record(request, response, path, route, before));
      return;
    }
    record(request, response, path, route, before);
  }

  private void record(
      HttpServletRequest request,
      HttpServletResponse response,
      String path,
      Optional<Route.Match> route,
      Optional<String> before) {
    int status = response.getStatus();
    Optional<String> action = action(request.getMethod(), route, status, before, response);
    if (action.isEmpty()) {
      return;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("client", request.getRemoteAddr());
    fields.put("user", user(request));
    fields.put("method", request.getMethod());
    fields.put("path", path);
    route.ifPresent(
        match -> {
          fields.put("repository", match.name());
          String digest = response.getHeader("Docker-Content-Digest");
          if (digest != null) {
            fields.put("digest", digest);
          } else if (match.param() != null && match.param().contains(":")) {
            fields.put("digest", match.param());
          }
          if (match.param() != null && Tag.isValid(match.param())) {
            fields.put("tag", match.param());
          }
        });
    before.ifPresent(previous -> fields.put("previous_digest", previous));
    fields.put("status", status);
    audit.record(action.get(), fields);
  }

  private static Optional<String> action(
      String method,
      Optional<Route.Match> route,
      int status,
      Optional<String> before,
      HttpServletResponse response) {
    if (status == 401 || status == 403 || status == 429) {
      return Optional.of("denied");
    }
    if (route.isEmpty()) {
      return Optional.empty();
    }
    Route.Match match = route.get();
    if (match.route() == Route.MANIFEST && method.equals("PUT") && status == 201) {
      String digest = response.getHeader("Docker-Content-Digest");
      return Optional.of(before.isPresent() && !before.get().equals(digest) ? "tag-move" : "push");
    }
    if (match.route() == Route.MANIFEST && method.equals("GET") && status == 200) {
      return Optional.of("pull");
    }
    if ((match.route() == Route.MANIFEST || match.route() == Route.BLOB)
        && method.equals("DELETE")
        && status == 202) {
      return Optional.of("delete");
    }
    return Optional.empty();
  }

  /** What the tag a manifest PUT names pointed at before, so a moved tag can be told apart. */
  private Optional<String> tagTarget(HttpServletRequest request, Optional<Route.Match> route) {
    if (registry.isEmpty()
        || route.isEmpty()
        || route.get().route() != Route.MANIFEST
        || !request.getMethod().equals("PUT")
        || !Tag.isValid(route.get().param())
        || !RepositoryName.isValid(route.get().name())) {
      return Optional.empty();
    }
    try {
      return registry
          .get()
          .tags()
          .resolve(RepositoryName.parse(route.get().name()), Tag.parse(route.get().param()))
          .map(Object::toString);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String user(HttpServletRequest request) {
    return request.getAttribute(BasicAuthenticator.PRINCIPAL_ATTRIBUTE) instanceof Principal known
        ? known.toString()
        : "anonymous";
  }
}
