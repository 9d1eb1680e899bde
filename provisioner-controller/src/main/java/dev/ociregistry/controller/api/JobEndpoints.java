package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.servlet.internal.QueryParameters;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/** {@code /api/v1/jobs}, {@code /api/v1/jobs/{id}} and {@code /api/v1/jobs/{id}/status}. */
final class JobEndpoints {
  static final int MAX_MESSAGE = 8192;
  private static final int MAX_SERVER = 256;

  private final JobStore jobs;
  private final RecipeStore recipes;

  JobEndpoints(JobStore jobs, RecipeStore recipes) {
    this.jobs = jobs;
    this.recipes = recipes;
  }

  /**
   * {@code GET /jobs[?state=..][&recipe=..][&server=..]}: {@code {"jobs": [...]}}, oldest first.
   */
  void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
    QueryParameters parameters = QueryParameters.of(request);
    Optional<JobState> state = query(parameters, "state").map(JobEndpoints::state);
    ObjectNode body = ApiJson.object();
    ArrayNode list = body.putArray("jobs");
    jobs.list(state, query(parameters, "recipe"), query(parameters, "server"))
        .forEach(job -> list.add(job.toJson()));
    JsonResponses.write(request, response, 200, body);
  }

  /** {@code POST /jobs} with {@code {"recipe": "...", "server": "..."}}: 201 with Location. */
  void create(HttpServletRequest request, HttpServletResponse response) throws IOException {
    ObjectNode body = ApiJson.body(request);
    ApiJson.rejectUnknownFields(body, Set.of("recipe", "server"), "");
    String recipeName = ApiJson.requiredString(body, "recipe", "recipe", 1024);
    String server =
        ApiJson.singleLine(ApiJson.requiredString(body, "server", "server", MAX_SERVER), "server");
    Recipe recipe =
        recipes
            .get(recipeName)
            .orElseThrow(() -> ApiException.badRequest("recipe", "no recipe named " + recipeName));
    Job job = jobs.create(recipe, server, JsonResponses.reached(request));
    response.setHeader(
        "Location", request.getContextPath() + request.getServletPath() + "/jobs/" + job.id());
    JsonResponses.write(request, response, 201, job.toJson());
  }

  /** {@code GET /jobs/{id}}. */
  void get(HttpServletRequest request, HttpServletResponse response, String id) throws IOException {
    Job job = jobs.get(id).orElseThrow(() -> ApiException.noJob(id));
    JsonResponses.write(request, response, 200, job.toJson());
  }

  /**
   * {@code POST /jobs/{id}/status} with {@code {"state": "...", "message": "..."}}: 200 with the
   * job; 409 for an illegal move. The message replaces the previous one; without one the job has
   * none.
   */
  void status(HttpServletRequest request, HttpServletResponse response, String id)
      throws IOException {
    jobs.get(id).orElseThrow(() -> ApiException.noJob(id));
    ObjectNode body = ApiJson.body(request);
    ApiJson.rejectUnknownFields(body, Set.of("state", "message"), "");
    JobState next = state(ApiJson.requiredString(body, "state", "state", 64));
    Job job = jobs.update(id, next, message(body));
    JsonResponses.write(request, response, 200, job.toJson());
  }

  private static Optional<String> message(ObjectNode body) {
    JsonNode node = body.get("message");
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw ApiException.badRequest("message", "message must be a string");
    }
    if (node.textValue().length() > MAX_MESSAGE) {
      throw ApiException.badRequest(
          "message", "message is longer than " + MAX_MESSAGE + " characters");
    }
    return Optional.of(node.textValue()).filter(text -> !text.isEmpty());
  }

  private static JobState state(String text) {
    return JobState.fromWireName(text)
        .orElseThrow(
            () ->
                ApiException.badRequest(
                    "state",
                    "unknown state "
                        + ApiException.abbreviate(text, 64)
                        + "; states are "
                        + String.join(", ", JobState.wireNames())));
  }

  /** A query parameter, read strictly from the query string; a bad escape is the client's 400. */
  private static Optional<String> query(QueryParameters parameters, String name) {
    try {
      return parameters.get(name, ErrorCode.QUERY_INVALID);
    } catch (RegistryException e) {
      throw ApiException.badRequest(name, e.getMessage());
    }
  }
}
