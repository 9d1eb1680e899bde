package dev.ociregistry.controller.admin;

import dev.ociregistry.controller.api.JsonResponses;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Every path no route claims: 404 with a JSON error, whatever the method. */
public final class NotFoundServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    JsonResponses.error(request, response, HttpServletResponse.SC_NOT_FOUND, null, "no such route");
  }
}
