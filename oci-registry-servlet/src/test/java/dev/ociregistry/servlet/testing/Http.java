package dev.ociregistry.servlet.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/** A thin HTTP client for tests: one request, the whole response as bytes. */
public final class Http {
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI base;

  public Http(URI base) {
    this.base = base;
  }

  /** Starts a request to {@code path} (absolute path or full URL). */
  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5));
  }

  public HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  public HttpResponse<InputStream> stream(HttpRequest.Builder request) throws IOException {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  public HttpResponse<byte[]> get(String path) throws IOException {
    return send(request(path).GET());
  }

  public HttpResponse<byte[]> head(String path) throws IOException {
    return send(request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()));
  }

  public HttpResponse<byte[]> delete(String path) throws IOException {
    return send(request(path).DELETE());
  }

  public HttpResponse<byte[]> post(String path, byte[] body) throws IOException {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public HttpResponse<byte[]> put(String path, String contentType, byte[] body) throws IOException {
    HttpRequest.Builder request = request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  public HttpResponse<byte[]> patch(String path, String contentRange, byte[] body)
      throws IOException {
    HttpRequest.Builder request =
        request(path)
            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/octet-stream");
    if (contentRange != null) {
      request.header("Content-Range", contentRange);
    }
    return send(request);
  }

  /** A PATCH whose body streams with chunked transfer encoding (no Content-Length). */
  public HttpResponse<byte[]> patchStreamed(String path, Supplier<InputStream> body)
      throws IOException {
    return send(
        request(path)
            .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(body))
            .header("Content-Type", "application/octet-stream"));
  }
}
