package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A small java.net.http client for the tests: JSON in, status, headers and JSON out. */
final class Http {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final String base;

  /** A response with its body as text, and as JSON when it is JSON. */
  record Response(int status, HttpResponse<String> raw) {
    String body() {
      return raw.body();
    }

    JsonNode json() {
      try {
        return MAPPER.readTree(raw.body());
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + raw.body(), e);
      }
    }

    Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }

    /** The {@code error.field} of an API error body; null when it is JSON null. */
    String errorField() {
      JsonNode field = json().path("error").path("field");
      return field.isNull() ? null : field.asText();
    }

    String errorMessage() {
      return json().path("error").path("message").asText();
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  Http(String base) {
    this.base = base;
  }

  String base() {
    return base;
  }

  Response get(String path) throws Exception {
    return send("GET", path, null);
  }

  Response head(String path) throws Exception {
    return send("HEAD", path, null);
  }

  Response delete(String path) throws Exception {
    return send("DELETE", path, null);
  }

  Response post(String path, String body) throws Exception {
    return send("POST", path, body);
  }

  Response put(String path, String body) throws Exception {
    return send("PUT", path, body);
  }

  Response postJson(String path, JsonNode body) throws Exception {
    return post(path, MAPPER.writeValueAsString(body));
  }

  Response putJson(String path, JsonNode body) throws Exception {
    return put(path, MAPPER.writeValueAsString(body));
  }

  /** Sends {@code method} with {@code body} (none when null) as {@code application/json}. */
  Response send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response =
        CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Response(response.statusCode(), response);
  }

  static ObjectMapper mapper() {
    return MAPPER;
  }
}
