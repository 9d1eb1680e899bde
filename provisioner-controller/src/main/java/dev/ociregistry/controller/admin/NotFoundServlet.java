package dev.ociregistry.controller.admin;

import dev.ociregistry.servlet.RequestBodies;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Every path no route claims: 404 with a JSON error, whatever the method. */
public final class NotFoundServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final byte[] BODY =
      "{\"error\":{\"field\":null,\"message\":\"no such route\"}}".getBytes(StandardCharsets.UTF_8);

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setStatus(HttpServletResponse.SC_NOT_FOUND);
    RequestBodies.drainOrClose(request, response);
    response.setContentType("application/json");
    response.setContentLength(BODY.length);
    if (!"HEAD".equals(request.getMethod())) {
      response.getOutputStream().write(BODY);
    }
  }
}
