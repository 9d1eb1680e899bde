package dev.ociregistry.controller.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request the API refuses, with the HTTP status, the offending field and, for some, a detail of
 * named values. {@link JsonResponses} turns it into the error body in one place; the message is
 * meant for the client.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient Optional<String> field;
  private final transient Set<String> allow;
  private final transient Map<String, String> detail;

  private ApiException(int status, Optional<String> field, String message, Set<String> allow) {
    this(status, field, message, allow, Map.of());
  }

  private ApiException(
      int status,
      Optional<String> field,
      String message,
      Set<String> allow,
      Map<String, String> detail) {
    super(message);
    this.status = status;
    this.field = field;
    this.allow = Set.copyOf(allow);
    this.detail = Collections.unmodifiableMap(new LinkedHashMap<>(detail));
  }

  /** An error of any status, for refusals made outside the API (the access control, say). */
  static ApiException of(int status, String field, String message) {
    return new ApiException(status, Optional.ofNullable(field), message, Set.of());
  }

  /** 400: {@code field} (may be null when the body as a whole is wrong) is invalid. */
  static ApiException badRequest(String field, String message) {
    return new ApiException(400, Optional.ofNullable(field), message, Set.of());
  }

  static ApiException notFound(String message) {
    return new ApiException(404, Optional.empty(), message, Set.of());
  }

  /** 404 for a job id that names no job, the id abbreviated. */
  static ApiException noJob(String id) {
    return notFound("no job " + abbreviate(id, 64));
  }

  /** {@code text} cut to {@code max} characters, marked with {@code ...} when it was longer. */
  static String abbreviate(String text, int max) {
    return text.length() > max ? text.substring(0, max) + "..." : text;
  }

  static ApiException methodNotAllowed(String method, Set<String> allow) {
    return new ApiException(
        405,
        Optional.empty(),
        "method " + method + " is not allowed here; allowed: " + String.join(", ", sorted(allow)),
        allow);
  }

  /** 409: the request conflicts with the current state; {@code field} may be null. */
  static ApiException conflict(String field, String message) {
    return new ApiException(409, Optional.ofNullable(field), message, Set.of());
  }

  /**
   * 422: the request is well formed, but what it names cannot be used: a local {@code oci_url}
   * whose repository holds no such tag or manifest.
   *
   * @param detail named values a client can act on without reading the message, in order
   */
  static ApiException unprocessable(String field, String message, Map<String, String> detail) {
    return new ApiException(422, Optional.ofNullable(field), message, Set.of(), detail);
  }

  static ApiException gone(String message) {
    return new ApiException(410, Optional.empty(), message, Set.of());
  }

  static ApiException tooLarge(String message) {
    return new ApiException(413, Optional.empty(), message, Set.of());
  }

  /** 429: too busy now; the answer says when to retry. */
  static ApiException retryLater(String message) {
    return new ApiException(429, Optional.empty(), message, Set.of());
  }

  static ApiException unavailable(String message) {
    return new ApiException(503, Optional.empty(), message, Set.of());
  }

  /** 500: a fault of the controller, never of the client's input; the log has the cause. */
  static ApiException internal() {
    return new ApiException(
        500, Optional.empty(), "the controller failed to answer; its log has the cause", Set.of());
  }

  int status() {
    return status;
  }

  Optional<String> field() {
    return field;
  }

  /** The methods for the {@code Allow} header of a 405; empty otherwise. */
  Set<String> allow() {
    return allow;
  }

  /** Named values of the error, in order; empty for most. */
  Map<String, String> detail() {
    return detail;
  }

  static List<String> sorted(Set<String> methods) {
    return methods.stream().sorted().toList();
  }
}
