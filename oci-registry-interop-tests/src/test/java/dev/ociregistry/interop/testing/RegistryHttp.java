package dev.ociregistry.interop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads what our registry serves over plain HTTP (end-2, end-3, end-8a, end-12), to verify what a
 * client pushed independently of that client.
 */
public final class RegistryHttp {
  /** Every manifest type a client in these tests pushes. */
  public static final String MANIFEST_ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final URI base;

  RegistryHttp(URI base) {
    this.base = base;
  }

  /** A response, with its body read in full. */
  public record Response(int status, HttpHeaders headers, byte[] body) {
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return status + " " + headers.map() + " " + new String(body, StandardCharsets.UTF_8);
    }
  }

  public Response get(String path, String accept) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
    if (accept != null) {
      request.header("Accept", accept);
    }
    return send(request.timeout(Duration.ofSeconds(30)).build());
  }

  public Response head(String path, String accept) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .method("HEAD", HttpRequest.BodyPublishers.noBody());
    if (accept != null) {
      request.header("Accept", accept);
    }
    return send(request.timeout(Duration.ofSeconds(30)).build());
  }

  /** GET /v2/&lt;name&gt;/manifests/&lt;reference&gt;, asserted to succeed. */
  public Response manifest(String repository, String reference) {
    Response response = get("/v2/" + repository + "/manifests/" + reference, MANIFEST_ACCEPT);
    assertThat(response.status())
        .as("GET manifest %s:%s -> %s", repository, reference, response)
        .isEqualTo(200);
    return response;
  }

  /** GET /v2/&lt;name&gt;/blobs/&lt;digest&gt;, asserted to succeed with the digest and size. */
  public byte[] blob(String repository, String digest, long size) {
    Response response = get("/v2/" + repository + "/blobs/" + digest, null);
    assertThat(response.status()).as("GET blob %s@%s", repository, digest).isEqualTo(200);
    assertThat(response.header("Docker-Content-Digest"))
        .as("Docker-Content-Digest of %s", digest)
        .contains(digest);
    assertThat(Digests.sha256(response.body()))
        .as("digest of the blob served for %s", digest)
        .isEqualTo(digest);
    assertThat((long) response.body().length).as("size of blob %s", digest).isEqualTo(size);
    return response.body();
  }

  private static Response send(HttpRequest request) {
    try {
      HttpResponse<byte[]> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
