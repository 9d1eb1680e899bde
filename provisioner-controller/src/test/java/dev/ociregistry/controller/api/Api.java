package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the provisioning API's tests share beside the kit's {@link TestHttp}: the fields of the
 * API's error body ({@code {"error": {"field", "message"}}}) and assertions of its exact shape (and
 * of the artifacts listing's), creating a job, and a request of any method with a JSON body.
 */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();

  private Api() {}

  /** The {@code error.field} of an API error body; null when it is JSON null. */
  static String errorField(Response response) {
    JsonNode field = response.json().path("error").path("field");
    return field.isNull() ? null : field.asText();
  }

  /** The {@code error.message} of an API error body. */
  static String errorMessage(Response response) {
    return response.json().path("error").path("message").asText();
  }

  /**
   * Asserts {@code response} is exactly the API's error: {@code status}, JSON, and the body {@code
   * {"error": {"field": field, "message": message}}} with nothing else.
   */
  static void assertError(Response response, int status, String field, String message) {
    assertError(response, status, field, message, Map.of());
  }

  /** As {@link #assertError(Response, int, String, String)}, with {@code detail} (in order). */
  static void assertError(
      Response response, int status, String field, String message, Map<String, String> detail) {
    ObjectNode error = JSON.createObjectNode();
    error.put("field", field);
    error.put("message", message);
    if (!detail.isEmpty()) {
      ObjectNode named = error.putObject("detail");
      detail.forEach(named::put);
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("error", error);
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.header("Content-Type")).hasValue("application/json");
    assertThat(response.json()).as(response.toString()).isEqualTo(body);
    if (!detail.isEmpty()) {
      assertThat(response.json().get("error").get("detail").fieldNames())
          .toIterable()
          .containsExactlyElementsOf(detail.keySet());
    }
  }

  /**
   * Asserts {@code response} is exactly the artifacts listing's error, {@code {"success": false,
   * "error": message}}.
   */
  static void assertListingError(Response response, int status, String message) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.header("Content-Type")).hasValue("application/json");
    assertThat(response.json())
        .isEqualTo(JSON.createObjectNode().put("success", false).put("error", message));
  }

  /** {@code POST /api/v1/jobs} of {@code recipe} for {@code server}. */
  static Response createJob(TestHttp http, String recipe, String server) throws IOException {
    return http.postJson(
        "/api/v1/jobs",
        JSON.createObjectNode().put("recipe", recipe).put("server", server).toString());
  }

  /** Creates a job, expects 201 and returns its id. */
  static String createdJobId(TestHttp http, String recipe, String server) throws IOException {
    Response response = createJob(http, recipe, server);
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json().get("id").asText();
  }

  /** The 422 detail of an {@code oci_url} whose repository holds no such tag: in its order. */
  static Map<String, String> missingTag(String ociUrl, String repository, String tag) {
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("oci_url", ociUrl);
    detail.put("repository", repository);
    detail.put("tag", tag);
    return detail;
  }

  /** Sends {@code method} with {@code body} as {@code application/json}, or no body when null. */
  static Response send(TestHttp http, String method, String path, String body) throws IOException {
    if (body == null) {
      return http.send(http.request(path).method(method, BodyPublishers.noBody()));
    }
    return http.send(
        http.request(path)
            .header("Content-Type", "application/json")
            .method(method, BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }
}
