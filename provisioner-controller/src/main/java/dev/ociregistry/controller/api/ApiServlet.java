package dev.ociregistry.controller.api;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioning API at {@code /api/v1/*}; {@link ProvisioningApi} documents its routes. Every
 * failure is mapped to a JSON error body here, in one place.
 */
final class ApiServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
  private static final List<String> ARTIFACTS = List.of("oci", "artifacts");

  private final transient RecipeEndpoints recipes;
  private final transient JobEndpoints jobs;
  private final transient ArtifactsEndpoint artifacts;

  ApiServlet(RecipeEndpoints recipes, JobEndpoints jobs, ArtifactsEndpoint artifacts) {
    this.recipes = recipes;
    this.jobs = jobs;
    this.artifacts = artifacts;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    List<String> path = Route.segments(request.getPathInfo());
    try {
      dispatch(request, response, path);
    } catch (IOException | RuntimeException e) {
      JsonResponses.fail(
          request,
          response,
          e,
          path.equals(ARTIFACTS) ? JsonResponses::artifactsError : JsonResponses::error,
          LOG);
    }
  }

  private void dispatch(HttpServletRequest request, HttpServletResponse response, List<String> path)
      throws IOException {
    if (path.size() == 1 && path.get(0).equals("recipes")) {
      switch (Route.method(request, "GET", "POST")) {
        case "GET" -> recipes.list(request, response);
        default -> recipes.create(request, response);
      }
    } else if (path.size() == 2 && path.get(0).equals("recipes") && !path.get(1).isEmpty()) {
      String name = path.get(1);
      switch (Route.method(request, "GET", "PUT", "DELETE")) {
        case "GET" -> recipes.get(request, response, name);
        case "PUT" -> recipes.put(request, response, name);
        default -> recipes.delete(response, name);
      }
    } else if (path.size() == 1 && path.get(0).equals("jobs")) {
      switch (Route.method(request, "GET", "POST")) {
        case "GET" -> jobs.list(request, response);
        default -> jobs.create(request, response);
      }
    } else if (path.size() == 2 && path.get(0).equals("jobs") && !path.get(1).isEmpty()) {
      Route.method(request, "GET");
      jobs.get(request, response, path.get(1));
    } else if (path.size() == 3
        && path.get(0).equals("jobs")
        && !path.get(1).isEmpty()
        && path.get(2).equals("status")) {
      Route.method(request, "POST");
      jobs.status(request, response, path.get(1));
    } else if (path.equals(ARTIFACTS)) {
      Route.method(request, "POST");
      artifacts.list(request, response);
    } else {
      throw Route.unknown(request);
    }
  }
}
