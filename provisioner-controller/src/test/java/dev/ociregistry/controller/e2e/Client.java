package dev.ociregistry.controller.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Supplier;

/** HTTP against a controller process. */
final class Client {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI base;

  Client(URI base) {
    this.base = base;
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(2));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  HttpResponse<byte[]> sendForBytes(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
  }

  HttpResponse<String> delete(String path) throws IOException, InterruptedException {
    return send(request(path).DELETE());
  }

  /** Pushes a blob in one request; returns its digest. */
  String pushBlob(String repository, byte[] content) throws Exception {
    String digest = sha256(content);
    HttpResponse<String> response =
        send(
            request("/v2/" + repository + "/blobs/uploads/?digest=" + digest)
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
    check(response, 201);
    return digest;
  }

  /** Pushes an OCI image manifest over a config and one layer; returns the manifest digest. */
  String pushImage(String repository, String tag, byte[] config, byte[] layer) throws Exception {
    String configDigest = pushBlob(repository, config);
    String layerDigest = pushBlob(repository, layer);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + configDigest
            + "\",\"size\":"
            + config.length
            + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
            + "\"digest\":\""
            + layerDigest
            + "\",\"size\":"
            + layer.length
            + "}]}";
    HttpResponse<String> response =
        send(
            request("/v2/" + repository + "/manifests/" + tag)
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)));
    check(response, 201);
    return response.headers().firstValue("Docker-Content-Digest").orElseThrow();
  }

  /** A PATCH that streams its body with chunked transfer encoding. */
  HttpResponse<String> patchStreamed(String location, Supplier<InputStream> body)
      throws IOException, InterruptedException {
    return send(
        request(location)
            .header("Content-Type", "application/octet-stream")
            .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(body)));
  }

  static void check(HttpResponse<?> response, int status) {
    if (response.statusCode() != status) {
      throw new AssertionError(
          response.request().method()
              + " "
              + response.request().uri()
              + " answered "
              + response.statusCode()
              + ", not "
              + status
              + ": "
              + response.body());
    }
  }

  static String sha256(byte[] content) throws Exception {
    return "sha256:"
        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
