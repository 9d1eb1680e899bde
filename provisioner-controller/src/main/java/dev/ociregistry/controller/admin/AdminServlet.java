package dev.ociregistry.controller.admin;

import dev.ociregistry.controller.api.JsonResponses;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.servlet.internal.QueryParameters;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * An admin route: answers any method but its own with the API's JSON 405, after reading the request
 * body, rather than with the container's page on a connection it then drops.
 */
abstract class AdminServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient Set<String> methods;

  AdminServlet(String... methods) {
    this.methods = Set.of(methods);
  }

  /**
   * The {@code dryRun} parameter (false when absent); empty, after answering 400, when it is
   * neither true nor false.
   */
  static Optional<Boolean> dryRun(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    return flag(request, response, "dryRun");
  }

  /**
   * The boolean parameter {@code name} (false when absent); empty, after answering 400, when it is
   * neither true nor false.
   */
  static Optional<Boolean> flag(
      HttpServletRequest request, HttpServletResponse response, String name) throws IOException {
    Optional<String> value;
    try {
      value = QueryParameters.of(request).get(name, ErrorCode.QUERY_INVALID);
    } catch (RegistryException e) {
      value = Optional.of("");
    }
    String text = value.orElse("false");
    if (text.equals("true") || text.equals("false")) {
      return Optional.of(Boolean.valueOf(text));
    }
    JsonResponses.error(
        request,
        response,
        HttpServletResponse.SC_BAD_REQUEST,
        name,
        name + " accepts true or false");
    return Optional.empty();
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    if (!JsonResponses.refuseMethodsOtherThan(request, response, methods)) {
      super.service(request, response);
    }
  }
}
