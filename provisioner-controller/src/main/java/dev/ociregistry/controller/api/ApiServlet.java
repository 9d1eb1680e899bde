package dev.ociregistry.controller.api;

import dev.ociregistry.servlet.internal.BodyReadAhead;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioning API at {@code /api/v1/*}; {@link ProvisioningApi} documents its routes and
 * {@link OpenApiDocument} is their reference, served at {@code /api/v1/openapi.json}. Every failure
 * is mapped to a JSON error body here, in one place, in the shape of its route ({@link
 * JsonResponses}).
 */
final class ApiServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
  private static final List<String> ARTIFACTS = List.of("oci", "artifacts");
  private static final List<String> REFERENCE = List.of("openapi.json");

  private final transient RecipeEndpoints recipes;
  private final transient JobEndpoints jobs;
  private final transient ArtifactsEndpoint artifacts;
  private final transient OpenApiDocument reference;

  /**
   * Bodies read ahead at once, in total: each counts {@link BodyReadAhead#COST_FACTOR} times its
   * size, so 16 bodies of the largest size, or thousands of ordinary recipes and jobs.
   */
  static final long BODY_MEMORY_BYTES = 16L * BodyReadAhead.COST_FACTOR * ApiJson.MAX_BODY_BYTES;

  /** The longest a client may take to send a body. */
  static final Duration BODY_TIMEOUT = Duration.ofSeconds(60);

  private final transient BodyReadAhead bodies = new BodyReadAhead(BODY_MEMORY_BYTES, BODY_TIMEOUT);

  ApiServlet(
      RecipeEndpoints recipes,
      JobEndpoints jobs,
      ArtifactsEndpoint artifacts,
      OpenApiDocument reference) {
    this.recipes = recipes;
    this.jobs = jobs;
    this.artifacts = artifacts;
    this.reference = reference;
  }

  /**
   * Reads the body of a {@code POST} or {@code PUT} ahead, without a thread waiting on the client,
   * then handles the request with it; other methods are handled as they come.
   */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    try {
      HttpServletRequest handled = request;
      if (request.getMethod().equals("POST") || request.getMethod().equals("PUT")) {
        Optional<byte[]> body = body(request);
        if (body.isEmpty()) {
          return;
        }
        handled = BodyReadAhead.withBody(request, body.get());
      }
      dispatch(handled, response, Route.segments(request.getPathInfo()));
    } catch (IOException | RuntimeException e) {
      JsonResponses.fail(request, response, e, LOG);
    }
  }

  private Optional<byte[]> body(HttpServletRequest request) throws IOException {
    try {
      return bodies.body(request, ApiJson.MAX_BODY_BYTES);
    } catch (BodyReadAhead.BodyException e) {
      throw switch (e.failure()) {
        case TOO_LARGE -> ApiJson.tooLarge();
        case BUSY -> ApiException.retryLater(e.getMessage());
        case BROKE_OFF -> ApiException.badRequest(null, e.getMessage());
      };
    }
  }

  private void dispatch(HttpServletRequest request, HttpServletResponse response, List<String> path)
      throws IOException {
    if (path.equals(REFERENCE)) {
      Route.method(request, "GET");
      JsonResponses.writeBytes(request, response, 200, reference.bytes());
    } else if (path.size() == 1 && path.get(0).equals("recipes")) {
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
