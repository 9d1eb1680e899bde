package dev.ociregistry.controller.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors that Jetty raises itself (a path it will not decode, a header too long, a body
 * too slow, a servlet's {@code sendError}) in the JSON the client expects where it sent the
 * request: the distribution-spec's {@code {"errors":[...]}} under {@code /v2}, the API's {@code
 * {"error": {...}}} elsewhere. A request too broken to have a path (a header line over the limit,
 * say) gets the spec's shape, as registry clients are the ones that send such headers.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#error-codes">
 *     distribution-spec: error codes</a>
 */
public final class JsonErrorHandler extends ErrorHandler {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

  public JsonErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
  }

  /** Every method gets a body, not only those a browser follows with an error page. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  /** JSON, whatever the request's {@code Accept} asks for. */
  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    int status = code;
    String text = message;
    if (code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
      // A request line naming no HTTP version Jetty speaks is the client's error, not a failure of
      // the server that should count against its error rate.
      status = HttpStatus.BAD_REQUEST_400;
      response.setStatus(status);
      text = "the request names an HTTP version this server does not speak";
    }
    byte[] body = body(path(request), status, reason(status, text));
    response.getHeaders().put(JSON);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** The body for an error with {@code status} on {@code path}. */
  static byte[] body(String path, int status, String message) {
    ObjectNode body = MAPPER.createObjectNode();
    if (path.equals("/v2") || path.startsWith("/v2/")) {
      ObjectNode error = body.putArray("errors").addObject();
      error.put("code", specCode(path, status));
      error.put("message", message);
    } else {
      ObjectNode error = body.putObject("error");
      error.putNull("field");
      error.put("message", message);
    }
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serializes", e);
    }
  }

  /**
   * The spec's code for a status Jetty answers. A 400 under a repository's path is a path Jetty
   * would not decode (an encoded slash, a dot segment, bad UTF-8), so its name is what is invalid;
   * server failures get the {@code UNKNOWN} code that registries use for errors the spec does not
   * name.
   */
  static String specCode(String path, int status) {
    return switch (status) {
      case HttpStatus.BAD_REQUEST_400 ->
          path.length() > "/v2/".length() ? "NAME_INVALID" : "UNSUPPORTED";
      case HttpStatus.UNAUTHORIZED_401 -> "UNAUTHORIZED";
      case HttpStatus.FORBIDDEN_403 -> "DENIED";
      case HttpStatus.PAYLOAD_TOO_LARGE_413 -> "SIZE_INVALID";
      case HttpStatus.TOO_MANY_REQUESTS_429 -> "TOOMANYREQUESTS";
      default -> status >= HttpStatus.INTERNAL_SERVER_ERROR_500 ? "UNKNOWN" : "UNSUPPORTED";
    };
  }

  private static String reason(int status, String message) {
    if (status >= HttpStatus.INTERNAL_SERVER_ERROR_500) {
      return "the server failed to answer; its log has the cause";
    }
    String reason = HttpStatus.getMessage(status);
    return message == null || message.isBlank() || message.equals(reason)
        ? reason.toLowerCase(java.util.Locale.ROOT)
        : message;
  }

  /**
   * The request's path as sent, undecoded, so that a path Jetty refused still has one; a request
   * Jetty could not parse has none (its method is {@code BAD}), and is answered as a registry
   * request.
   */
  private static String path(Request request) {
    HttpURI uri = request.getHttpURI();
    String path = uri == null ? null : uri.getPath();
    return path == null || "BAD".equals(request.getMethod()) ? "/v2/" : path;
  }
}
