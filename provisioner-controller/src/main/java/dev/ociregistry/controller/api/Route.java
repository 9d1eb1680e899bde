package dev.ociregistry.controller.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Path segments of a request below its servlet, and the method checks of each route. */
final class Route {
  private Route() {}

  /**
   * The segments of a servlet path info: {@code /jobs/42/status} is {@code [jobs, 42, status]}.
   * Empty when there is no path; an empty segment ({@code //}, a trailing {@code /}) stays in and
   * matches no route.
   */
  static List<String> segments(String pathInfo) {
    if (pathInfo == null || pathInfo.isEmpty() || pathInfo.equals("/")) {
      return List.of();
    }
    if (!pathInfo.startsWith("/")) {
      return List.of("");
    }
    return Arrays.asList(pathInfo.substring(1).split("/", -1));
  }

  /**
   * Checks the request's method is one of {@code allowed}; {@code GET} allows {@code HEAD} too.
   *
   * @throws ApiException 405 with the methods for {@code Allow}
   */
  static String method(HttpServletRequest request, String... allowed) {
    Set<String> methods = new TreeSet<>(List.of(allowed));
    if (methods.contains("GET")) {
      methods.add("HEAD");
    }
    String method = request.getMethod();
    if (!methods.contains(method)) {
      throw ApiException.methodNotAllowed(method, methods);
    }
    return method.equals("HEAD") ? "GET" : method;
  }

  static ApiException unknown(HttpServletRequest request) {
    return ApiException.notFound(
        "no such endpoint: " + ApiException.abbreviate(request.getRequestURI(), 200));
  }
}
