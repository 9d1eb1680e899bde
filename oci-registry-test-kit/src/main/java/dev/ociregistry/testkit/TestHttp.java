package dev.ociregistry.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one HTTP client of the tests (the JDK's, HTTP/1.1, no redirects followed): a request, and the
 * whole response as a {@link Response}. For requests no client library sends, see {@link RawHttp}.
 */
public final class TestHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

  private final HttpClient client;
  private final URI base;
  private final Duration requestTimeout;
  private final Map<String, String> headers;

  /** A client for {@code base} ({@code http://127.0.0.1:<port>}); requests may last 5 minutes. */
  public TestHttp(URI base) {
    this(base, Duration.ofMinutes(5));
  }

  public TestHttp(URI base, Duration requestTimeout) {
    this(base, requestTimeout, Map.of(), newClient());
  }

  private TestHttp(
      URI base, Duration requestTimeout, Map<String, String> headers, HttpClient client) {
    this.base = base;
    this.requestTimeout = requestTimeout;
    this.headers = headers;
    this.client = client;
  }

  /** This client, sending {@code name: value} with every request as well (credentials, say). */
  public TestHttp withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new TestHttp(base, requestTimeout, Map.copyOf(more), client);
  }

  /** This client, sending HTTP Basic credentials with every request. */
  public TestHttp withBasicAuth(String user, String password) {
    return withHeader(
        "Authorization",
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** A response read in full. */
  public record Response(int status, HttpHeaders headers, byte[] body, String method, URI uri) {
    /** The first value of header {@code name}, any case. */
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    /** Every value of header {@code name}, any case. */
    public List<String> headerValues(String name) {
      return headers.allValues(name);
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The body parsed as JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + this, e);
      }
    }

    /** The {@code code} of the one entry of an OCI error body. */
    public String errorCode() {
      return json().path("errors").path(0).path("code").asText();
    }

    /** The target of a {@code Link: <...>; rel="next"} header, when there is one. */
    public Optional<String> nextLink() {
      return header("Link")
          .map(NEXT_LINK::matcher)
          .filter(Matcher::find)
          .map(matcher -> matcher.group(1));
    }

    /** This response, when its status is {@code expected}; else an error naming the request. */
    public Response expect(int expected) {
      if (status != expected) {
        throw new AssertionError(
            "expected " + expected + " from " + method + " " + uri + ": " + this);
      }
      return this;
    }

    @Override
    public String toString() {
      String text = text();
      return status
          + " "
          + headers.map()
          + " "
          + (text.length() > 2000 ? text.substring(0, 2000) + "..." : text);
    }
  }

  public URI base() {
    return base;
  }

  /** {@code host:port} of the base, as clients name a registry. */
  public String hostPort() {
    return base.getHost() + ":" + base.getPort();
  }

  /** A request to {@code path} (an absolute path, a path with a query, or a full URL). */
  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout);
    headers.forEach(request::header);
    return request;
  }

  /** Sends {@code request} and reads the whole response. */
  public Response send(HttpRequest.Builder request) throws IOException {
    HttpRequest built = request.build();
    HttpResponse<byte[]> response = await(() -> client.send(built, BodyHandlers.ofByteArray()));
    return new Response(
        response.statusCode(), response.headers(), response.body(), built.method(), built.uri());
  }

  /** Sends {@code request} and hands the body over as a stream, for large or slow responses. */
  public HttpResponse<InputStream> stream(HttpRequest.Builder request) throws IOException {
    HttpRequest built = request.build();
    return await(() -> client.send(built, BodyHandlers.ofInputStream()));
  }

  /**
   * Sends {@code request} without waiting; the response completes once its head has arrived and
   * hands the body over as a stream, for many downloads open at once.
   */
  public CompletableFuture<HttpResponse<InputStream>> streamAsync(HttpRequest.Builder request) {
    return client.sendAsync(request.build(), BodyHandlers.ofInputStream());
  }

  public Response get(String path) throws IOException {
    return send(request(path).GET());
  }

  public Response head(String path) throws IOException {
    return send(request(path).method("HEAD", BodyPublishers.noBody()));
  }

  public Response delete(String path) throws IOException {
    return send(request(path).DELETE());
  }

  public Response post(String path, byte[] body) throws IOException {
    return send(request(path).POST(BodyPublishers.ofByteArray(body)));
  }

  /** A POST of {@code json} as {@code application/json}. */
  public Response postJson(String path, String json) throws IOException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
  }

  /** A PUT of {@code json} as {@code application/json}. */
  public Response putJson(String path, String json) throws IOException {
    return put(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** A PUT with {@code contentType} (none when null). */
  public Response put(String path, String contentType, byte[] body) throws IOException {
    HttpRequest.Builder request = request(path).PUT(BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  /** A PATCH of {@code application/octet-stream}, with {@code contentRange} unless it is null. */
  public Response patch(String path, String contentRange, byte[] body) throws IOException {
    HttpRequest.Builder request =
        request(path)
            .method("PATCH", BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/octet-stream");
    if (contentRange != null) {
      request.header("Content-Range", contentRange);
    }
    return send(request);
  }

  /**
   * Closes the upload at {@code location} (end-6) with {@code digest} and its last chunk: {@code
   * content} from {@code from} to its end, sent with {@code Content-Range}.
   */
  public Response closeUpload(String location, String digest, byte[] content, int from)
      throws IOException {
    return send(
        request(location + (location.contains("?") ? "&" : "?") + "digest=" + digest)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Range", from + "-" + (content.length - 1))
            .PUT(BodyPublishers.ofByteArray(content, from, content.length - from)));
  }

  /** A PATCH whose body streams with chunked transfer encoding (no Content-Length). */
  public Response patchStreamed(String path, Supplier<InputStream> body) throws IOException {
    return send(
        request(path)
            .method("PATCH", BodyPublishers.ofInputStream(body))
            .header("Content-Type", "application/octet-stream"));
  }

  private interface Call<T> {
    T run() throws IOException, InterruptedException;
  }

  private static <T> T await(Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
