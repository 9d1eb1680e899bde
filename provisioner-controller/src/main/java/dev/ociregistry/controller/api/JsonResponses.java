package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.servlet.internal.RequestBodies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Writes JSON responses, and every error of the routes beside {@code /v2} in one of two shapes,
 * chosen by the route alone:
 *
 * <ul>
 *   <li>the API's: {@code {"error": {"field": <the input at fault, or null>, "message": "...",
 *       "detail": {...}}}}, {@code detail} (named string values) only where an error has one;
 *   <li>the artifacts listing's ({@code /api/v1/oci/artifacts}), whatever refused the request (the
 *       listing, the API servlet or the access control): {@code {"success": false, "error":
 *       "..."}}, as the OCI client that reads the listing takes every answer of it as {@code
 *       success}, {@code data} and {@code error} (a string).
 * </ul>
 *
 * A HEAD gets the headers of the GET and no body. The admin routes, the access control and the
 * not-found fallback answer through it too, so that every JSON answer of the controller is written
 * one way.
 */
public final class JsonResponses {
  static final String JSON = "application/json";

  /** The artifacts listing's path, whose errors take the listing's own shape. */
  static final String ARTIFACTS_LISTING = "/api/v1/oci/artifacts";

  private JsonResponses() {}

  /** Answers {@code body} with {@code status}, not to be cached. */
  public static void write(
      HttpServletRequest request, HttpServletResponse response, int status, JsonNode body)
      throws IOException {
    writeBytes(request, response, status, ApiJson.MAPPER.writeValueAsBytes(body));
  }

  /** Answers JSON that is already bytes, with {@code status}, not to be cached. */
  static void writeBytes(
      HttpServletRequest request, HttpServletResponse response, int status, byte[] bytes)
      throws IOException {
    response.setStatus(status);
    response.setContentType(JSON);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLengthLong(bytes.length);
    if (!"HEAD".equals(request.getMethod())) {
      response.getOutputStream().write(bytes);
    }
  }

  static void noContent(HttpServletResponse response) {
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    response.setHeader("Cache-Control", "no-store");
  }

  /**
   * Answers a refused request: its status, {@code Allow} of a 405, {@code Retry-After} of a 429.
   */
  static void error(HttpServletRequest request, HttpServletResponse response, ApiException e)
      throws IOException {
    if (!e.allow().isEmpty()) {
      response.setHeader("Allow", String.join(", ", ApiException.sorted(e.allow())));
    }
    if (e.status() == 429 && response.getHeader("Retry-After") == null) {
      response.setHeader("Retry-After", "1");
    }
    ObjectNode body;
    if (isArtifactsListing(request)) {
      body = listingError(e.getMessage());
    } else {
      ObjectNode error = ApiJson.object();
      error.put("field", e.field().orElse(null));
      error.put("message", e.getMessage());
      if (!e.detail().isEmpty()) {
        ObjectNode detail = error.putObject("detail");
        e.detail().forEach(detail::put);
      }
      body = ApiJson.object();
      body.set("error", error);
    }
    ObjectNode answer = body;
    RequestBodies.answerWithoutBody(
        request, response, () -> write(request, response, e.status(), answer));
  }

  /**
   * Answers an error in the shape of the request's route (see above), leaving what is left of the
   * request body unread ({@link RequestBodies#answerWithoutBody}).
   *
   * @param field the input at fault, or null
   */
  public static void error(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String field,
      String message)
      throws IOException {
    error(request, response, ApiException.of(status, field, message));
  }

  /**
   * Answers 405 in the API's error shape, with {@code Allow}, unless the request's method is one of
   * {@code allowed}: a servlet outside the API calls it first, so that it answers wrong methods as
   * the API does (JSON rather than the container's page) and reads the request body before it.
   *
   * @return whether the request was answered
   */
  public static boolean refuseMethodsOtherThan(
      HttpServletRequest request, HttpServletResponse response, Set<String> allowed)
      throws IOException {
    if (allowed.contains(request.getMethod())) {
      return false;
    }
    error(request, response, ApiException.methodNotAllowed(request.getMethod(), allowed));
    return true;
  }

  /** Whether the request is for the artifacts listing, by the path the container routed it by. */
  static boolean isArtifactsListing(HttpServletRequest request) {
    String path =
        Objects.toString(request.getServletPath(), "")
            + Objects.toString(request.getPathInfo(), "");
    return path.equals(ARTIFACTS_LISTING);
  }

  private static ObjectNode listingError(String message) {
    ObjectNode body = ApiJson.object();
    body.put("success", false);
    body.put("error", message);
    return body;
  }

  /**
   * Answers a request that failed: an {@link ApiException} as itself; anything else as a 500 that
   * the log explains, or only a debug line when the answer was already under way (the client went
   * away while it was sent).
   */
  static void fail(
      HttpServletRequest request, HttpServletResponse response, Exception failure, Logger log)
      throws IOException {
    if (response.isCommitted()) {
      if (!(failure instanceof ApiException)) {
        log.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), failure.toString());
      }
      return;
    }
    ApiException answer;
    if (failure instanceof ApiException api) {
      answer = api;
    } else {
      log.error("{} {} failed", request.getMethod(), request.getRequestURI(), failure);
      answer = ApiException.internal();
    }
    response.reset();
    error(request, response, answer);
  }

  /**
   * Where the request reached this server: the port of the socket it arrived at (the server's, not
   * the client's word), and the {@code Host} it named, which only explains a refusal.
   */
  static RegistryAddresses.Reached reached(HttpServletRequest request) {
    return new RegistryAddresses.Reached(request.getLocalPort(), requestHost(request));
  }

  /** The {@code Host} the request was sent to, else the server name and port it arrived at. */
  static Optional<String> requestHost(HttpServletRequest request) {
    String host = request.getHeader("Host");
    if (host != null && !host.isBlank()) {
      return Optional.of(host.trim());
    }
    String name = request.getServerName();
    if (name == null || name.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(name + ":" + request.getServerPort());
  }
}
