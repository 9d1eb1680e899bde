package dev.ociregistry.testkit;

import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import java.io.IOException;

/**
 * Pushes through the {@code /v2} API as a client does, and fails the test on any answer but the
 * spec's success: blobs in one {@code POST ?digest=} (end-4b), manifests by {@code PUT} (end-7).
 */
public final class Pusher {
  private final TestHttp http;

  public Pusher(TestHttp http) {
    this.http = http;
  }

  /** Pushes {@code blob} to {@code repository} and expects 201. */
  public Blob blob(String repository, Blob blob) throws IOException {
    http.post("/v2/" + repository + "/blobs/uploads/?digest=" + blob.digest(), blob.content())
        .expect(201);
    return blob;
  }

  /** Opens an upload session (end-4a), expects 202 and returns its {@code Location}. */
  public String startUpload(String repository) throws IOException {
    return http.post("/v2/" + repository + "/blobs/uploads/", new byte[0])
        .expect(202)
        .header("Location")
        .orElseThrow();
  }

  /** Pushes the manifest alone under {@code reference} (a tag or its digest) and expects 201. */
  public Manifest manifest(String repository, String reference, Manifest manifest)
      throws IOException {
    http.put(
            "/v2/" + repository + "/manifests/" + reference,
            manifest.mediaType(),
            manifest.content())
        .expect(201);
    return manifest;
  }

  /** Pushes every blob {@code manifest} references, then the manifest under {@code reference}. */
  public Manifest image(String repository, String reference, Manifest manifest) throws IOException {
    for (Blob blob : manifest.blobs()) {
      blob(repository, blob);
    }
    return manifest(repository, reference, manifest);
  }
}
