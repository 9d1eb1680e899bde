package dev.ociregistry.controller.admin;

import dev.ociregistry.controller.api.JsonResponses;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    if (!JsonResponses.refuseMethodsOtherThan(request, response, methods)) {
      super.service(request, response);
    }
  }
}
