package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;

/**
 * What the provisioning API's tests share beside the kit's {@link TestHttp}: the fields of the
 * API's error body ({@code {"error": {"field", "message"}}}), creating a job, and a request of any
 * method with a JSON body.
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
