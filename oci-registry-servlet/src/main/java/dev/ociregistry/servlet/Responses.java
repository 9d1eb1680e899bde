package dev.ociregistry.servlet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.servlet.internal.ClientIOException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON bodies and spec error bodies: {@code {"errors":[{"code","message","detail"}]}}, with
 * exactly one entry carrying the spec's code.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#error-codes">
 *     distribution-spec: error codes</a>
 */
final class Responses {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setDefaultPropertyInclusion(JsonInclude.Include.NON_ABSENT)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Responses() {}

  static void json(HttpServletResponse response, int status, String contentType, Object body)
      throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    response.setStatus(status);
    response.setContentType(contentType);
    response.setContentLength(bytes.length);
    send(response, bytes);
  }

  /**
   * Writes a body held in memory. Nothing can fail on the server's side here, so a failure is the
   * client's: it went away or stopped reading.
   */
  static void send(HttpServletResponse response, byte[] bytes) throws ClientIOException {
    try {
      response.getOutputStream().write(bytes);
    } catch (IOException e) {
      throw new ClientIOException("the client stopped reading: " + e.getMessage(), e);
    }
  }

  static void error(HttpServletResponse response, RegistryException error) throws IOException {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("code", error.code().specCode());
    entry.put("message", error.getMessage());
    if (error.detail() != null) {
      entry.put("detail", error.detail());
    }
    json(response, error.code().httpStatus(), "application/json", Map.of("errors", List.of(entry)));
  }

  /** An empty response with a status and {@code Content-Length: 0}. */
  static void empty(HttpServletResponse response, int status) {
    response.setStatus(status);
    response.setContentLength(0);
  }
}
