package dev.ociregistry.servlet.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.testkit.TestHttp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * The requests the conformance suite sends through its Go client (reggie over resty and {@code
 * net/http}), sent with the project's test client, {@link TestHttp}.
 *
 * <p>What is kept from the Go client: path templates {@code <name>}, {@code <digest>}, {@code
 * <reference>} filled in with the default namespace unless another name is given; query parameters
 * appended to whatever query the path already has, sorted by key and escaped as Go's {@code
 * url.Values.Encode} does ({@code :} and {@code /} escaped); {@code Accept-Encoding: gzip} on every
 * request but HEAD, with gzip bodies decoded; the suite's user agent. {@code Content-Length} always
 * follows the body actually sent, as Go's transport ignores the header when set by hand (so a PUT
 * without a body goes out with {@code Content-Length: 0}).
 */
final class ConformanceClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestHttp http;
  private final String defaultName;

  ConformanceClient(TestHttp http, String defaultName) {
    this.http = http;
    this.defaultName = defaultName;
  }

  String defaultName() {
    return defaultName;
  }

  Request newRequest(String method, String path) {
    return new Request(method, path);
  }

  /** One request, built up as the suite builds reggie requests. */
  final class Request {
    private final String method;
    private final String path;
    private String name = defaultName;
    private String digest = "";
    private String reference = "";
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> query = new TreeMap<>();
    private byte[] body;

    private Request(String method, String path) {
      this.method = method;
      this.path = path;
    }

    Request name(String value) {
      this.name = value;
      return this;
    }

    Request digest(String value) {
      this.digest = value;
      return this;
    }

    Request reference(String value) {
      this.reference = value;
      return this;
    }

    Request header(String header, String value) {
      headers.put(header, value);
      return this;
    }

    Request query(String key, String value) {
      query.put(key, value);
      return this;
    }

    Request body(byte[] value) {
      this.body = value;
      return this;
    }

    Resp send() throws IOException {
      String target =
          path.replace("<name>", name)
              .replace("<digest>", digest)
              .replace("<reference>", reference);
      if (!query.isEmpty()) {
        List<String> pairs = new ArrayList<>();
        query.forEach((k, v) -> pairs.add(escape(k) + "=" + escape(v)));
        target += (target.contains("?") ? "&" : "?") + String.join("&", pairs);
      }
      HttpRequest.BodyPublisher publisher =
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body);
      HttpRequest.Builder request =
          http.request(target)
              .method(method, publisher)
              .header("User-Agent", "distribution-spec-conformance-tests");
      if (!method.equals("HEAD") && !headers.containsKey("Range")) {
        request.header("Accept-Encoding", "gzip");
      }
      headers.forEach(
          (header, value) -> {
            if (!header.equalsIgnoreCase("Content-Length")) {
              request.header(header, value);
            }
          });
      TestHttp.Response response = http.send(request);
      byte[] content = response.body() == null ? new byte[0] : response.body();
      if (response.header("Content-Encoding").orElse("").equalsIgnoreCase("gzip")
          && content.length > 0) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(content))) {
          content = in.readAllBytes();
        }
      }
      return new Resp(method, target, response.status(), response.headers(), content);
    }
  }

  private static String escape(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** A response as the suite inspects it. */
  record Resp(String method, String target, int status, HttpHeaders headers, byte[] body) {
    /** Go's {@code Header().Get}: the first value, or the empty string. */
    String header(String header) {
      return headers.firstValue(header).orElse("");
    }

    /** reggie's {@code GetRelativeLocation}: the path and query of {@code Location}. */
    String relativeLocation() {
      String location = header("Location");
      if (location.isEmpty()) {
        return "";
      }
      URI uri;
      try {
        uri = URI.create(location);
      } catch (IllegalArgumentException e) {
        return "";
      }
      String relative = uri.getRawPath() == null ? "" : uri.getRawPath();
      if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
        relative += "?" + uri.getRawQuery();
      }
      return relative;
    }

    /** reggie's {@code GetAbsoluteLocation}: the {@code Location} header as sent. */
    String absoluteLocation() {
      return header("Location");
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON; fails the test as Go's {@code json.Unmarshal} error would. */
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }

    /** setup.go's getTagList: the {@code tags} of a tag list, or none when it does not parse. */
    List<String> tagList() {
      List<String> tags = new ArrayList<>();
      try {
        JsonNode node = JSON.readTree(body);
        if (node != null && node.path("tags").isArray()) {
          node.path("tags").forEach(tag -> tags.add(tag.asText()));
        }
      } catch (IOException e) {
        // as getTagList: an unreadable body is an empty list
      }
      return tags;
    }

    @Override
    public String toString() {
      return method + " " + target + " -> " + status + " " + headers.map() + " " + abbreviated();
    }

    private String abbreviated() {
      String text = text();
      return text.length() <= 400 ? text : text.substring(0, 400) + "...";
    }
  }
}
