package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.servlet.internal.RequestBodies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Writes JSON responses and the two error bodies: {@code {"error": {"field": ..., "message": ...}}}
 * for the API and {@code task.json}, and {@code {"success": false, "error": ...}} for the artifacts
 * listing, as seed 002 shapes it. A HEAD gets the headers of the GET and no body. The admin routes
 * answer through it too, so that every JSON answer of the controller is written one way.
 */
public final class JsonResponses {
  static final String JSON = "application/json";

  private JsonResponses() {}

  /** Answers {@code body} with {@code status}, not to be cached. */
  public static void write(
      HttpServletRequest request, HttpServletResponse response, int status, JsonNode body)
      throws IOException {
    byte[] bytes = ApiJson.MAPPER.writeValueAsBytes(body);
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

  /** The API's error body. */
  static void error(HttpServletRequest request, HttpServletResponse response, ApiException e)
      throws IOException {
    allow(response, e);
    if (e.status() == 429) {
      response.setHeader("Retry-After", "1");
    }
    error(request, response, e.status(), e.field().orElse(null), e.getMessage());
  }

  /**
   * The API's error body, {@code {"error": {"field": ..., "message": ...}}}, leaving what is left
   * of the request body unread ({@link RequestBodies#answerWithoutBody}).
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
    ObjectNode error = ApiJson.object();
    error.put("field", field);
    error.put("message", message);
    ObjectNode body = ApiJson.object();
    body.set("error", error);
    RequestBodies.answerWithoutBody(
        request, response, () -> write(request, response, status, body));
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

  /** The artifacts listing's error body. */
  static void artifactsError(
      HttpServletRequest request, HttpServletResponse response, ApiException e) throws IOException {
    ObjectNode body = ApiJson.object();
    body.put("success", false);
    body.put("error", e.getMessage());
    allow(response, e);
    RequestBodies.answerWithoutBody(
        request, response, () -> write(request, response, e.status(), body));
  }

  /** How an error body is shaped: the API's own, or the artifacts listing's. */
  interface ErrorWriter {
    void write(HttpServletRequest request, HttpServletResponse response, ApiException e)
        throws IOException;
  }

  /**
   * Answers a request that failed: an {@link ApiException} as itself; anything else as a 500 that
   * the log explains, or only a debug line when the answer was already under way (the client went
   * away while it was sent).
   */
  static void fail(
      HttpServletRequest request,
      HttpServletResponse response,
      Exception failure,
      ErrorWriter writer,
      Logger log)
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
    writer.write(request, response, answer);
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

  private static void allow(HttpServletResponse response, ApiException e) {
    if (!e.allow().isEmpty()) {
      response.setHeader("Allow", String.join(", ", ApiException.sorted(e.allow())));
    }
  }
}
