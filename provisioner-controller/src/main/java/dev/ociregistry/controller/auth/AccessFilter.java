package dev.ociregistry.controller.auth;

import dev.ociregistry.controller.api.JsonResponses;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.servlet.RetryLaterException;
import dev.ociregistry.servlet.auth.AccessPolicy;
import dev.ociregistry.servlet.auth.BasicAuthenticator;
import dev.ociregistry.servlet.auth.Principal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Access to the routes beside {@code /v2}, with authentication on:
 *
 * <table>
 *   <caption>Who may use which route</caption>
 *   <tr><th>route</th><th>who</th></tr>
 *   <tr><td>{@code /api/v1}: GET, HEAD</td><td>any authenticated user</td></tr>
 *   <tr><td>{@code /api/v1}: POST, PUT, PATCH, DELETE</td><td>admins, or any authenticated user
 *       when the policy's {@code api.write} says so</td></tr>
 *   <tr><td>{@code /media}, {@code /media/tasks}</td><td>any authenticated user</td></tr>
 *   <tr><td>{@code /admin}</td><td>admins</td></tr>
 *   <tr><td>{@code /metrics}</td><td>anyone; any authenticated user with METRICS_AUTH=true</td></tr>
 *   <tr><td>{@code /healthz}, {@code /readyz}</td><td>anyone (the filter is not on them)</td></tr>
 * </table>
 *
 * <p>A job's pull credential (see {@link JobLogins}) reads boot media and its own job's {@code
 * task.json}, and nothing else here.
 *
 * <p>Refusals answer in the API's error shape: 401 with the Basic challenge, 403, or 429 with
 * {@code Retry-After}.
 */
public final class AccessFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;
  private static final Set<String> READS = Set.of("GET", "HEAD");

  private final transient BasicAuthenticator authenticator;
  private final transient Supplier<AccessPolicy> policy;
  private final transient Optional<JobLogins> jobs;
  private final boolean metricsNeedAuth;

  AccessFilter(
      BasicAuthenticator authenticator,
      Supplier<AccessPolicy> policy,
      Optional<JobLogins> jobs,
      boolean metricsNeedAuth) {
    this.authenticator = authenticator;
    this.policy = policy;
    this.jobs = jobs;
    this.metricsNeedAuth = metricsNeedAuth;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    // The decoded, normalised path the container routed by, never the raw URI: "/media/../admin"
    // and "/%61dmin" must be judged as the "/admin" they reach.
    String path = routedPath(request);
    Optional<JobLogins.JobLogin> job;
    try {
      job = jobs.isEmpty() ? Optional.empty() : jobs.get().of(request);
    } catch (RegistryException e) {
      refuseUnauthenticated(request, response, e.getMessage());
      return;
    }
    if (job.isPresent()) {
      if (READS.contains(request.getMethod()) && mediaOfJob(path, job.get())) {
        chain.doFilter(request, response);
      } else {
        JsonResponses.error(
            request,
            response,
            ErrorCode.DENIED.httpStatus(),
            null,
            "a job credential reads only boot media and its own task.json");
      }
      return;
    }
    Principal principal;
    try {
      principal = authenticator.authenticate(request);
    } catch (RetryLaterException e) {
      response.setHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
      JsonResponses.error(request, response, 429, null, e.getMessage());
      return;
    } catch (RegistryException e) {
      refuseUnauthenticated(request, response, e.getMessage());
      return;
    }
    Access access = access(path, request.getMethod());
    if (access == Access.ANYONE
        || (access == Access.AUTHENTICATED && principal.authenticated())
        || (access == Access.API_WRITER && policy.get().mayWriteApi(principal))
        || (access == Access.ADMIN && policy.get().isAdmin(principal))) {
      chain.doFilter(request, response);
      return;
    }
    if (!principal.authenticated()) {
      refuseUnauthenticated(request, response, "log in to use " + path);
      return;
    }
    JsonResponses.error(
        request,
        response,
        ErrorCode.DENIED.httpStatus(),
        null,
        principal.name() + " may not " + request.getMethod() + " " + path);
  }

  /** The path the container matched the request's servlet by: decoded and normalised. */
  static String routedPath(HttpServletRequest request) {
    return request.getServletPath() + Objects.toString(request.getPathInfo(), "");
  }

  /** Boot media, and the task of this job but no other's. */
  private static boolean mediaOfJob(String path, JobLogins.JobLogin job) {
    if (!path.startsWith("/media/")) {
      return false;
    }
    if (!path.startsWith("/media/tasks/")) {
      return true;
    }
    String[] segments = path.substring("/media/tasks/".length()).split("/", -1);
    return segments.length == 2 && segments[0].equals(job.job().toString());
  }

  private enum Access {
    ANYONE,
    AUTHENTICATED,
    API_WRITER,
    ADMIN
  }

  private Access access(String path, String method) {
    if (path.equals("/metrics")) {
      return metricsNeedAuth ? Access.AUTHENTICATED : Access.ANYONE;
    }
    if (path.startsWith("/admin")) {
      return Access.ADMIN;
    }
    if (path.startsWith("/api/v1") && !READS.contains(method)) {
      return Access.API_WRITER;
    }
    return Access.AUTHENTICATED;
  }

  private void refuseUnauthenticated(
      HttpServletRequest request, HttpServletResponse response, String message) throws IOException {
    response.setHeader("WWW-Authenticate", authenticator.challenge());
    JsonResponses.error(request, response, ErrorCode.UNAUTHORIZED.httpStatus(), null, message);
  }
}
