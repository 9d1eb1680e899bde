package dev.ociregistry.interop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what our registry serves (end-2, end-3, end-8a, end-12) through the kit's {@link TestHttp},
 * to verify what a client pushed independently of that client.
 */
public final class RegistryReads {
  /** Every manifest type a client in these tests pushes. */
  public static final String MANIFEST_ACCEPT =
      String.join(
          ", ",
          Artifacts.OCI_MANIFEST,
          Artifacts.OCI_INDEX,
          Artifacts.DOCKER_MANIFEST,
          Artifacts.DOCKER_MANIFEST_LIST);

  private final TestHttp http;

  RegistryReads(TestHttp http) {
    this.http = http;
  }

  /** GET /v2/&lt;name&gt;/manifests/&lt;reference&gt; accepting {@link #MANIFEST_ACCEPT}. */
  public TestHttp.Response getManifest(String repository, String reference) throws IOException {
    return http.send(
        http.request("/v2/" + repository + "/manifests/" + reference)
            .header("Accept", MANIFEST_ACCEPT)
            .GET());
  }

  /** GET /v2/&lt;name&gt;/manifests/&lt;reference&gt;, asserted to succeed. */
  public TestHttp.Response manifest(String repository, String reference) throws IOException {
    TestHttp.Response response = getManifest(repository, reference);
    assertThat(response.status())
        .as("GET manifest %s:%s -> %s", repository, reference, response)
        .isEqualTo(200);
    return response;
  }

  /** GET /v2/&lt;name&gt;/blobs/&lt;digest&gt;, asserted to succeed with the digest and size. */
  public byte[] blob(String repository, String digest, long size) throws IOException {
    TestHttp.Response response = http.get("/v2/" + repository + "/blobs/" + digest);
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

  /** The blob a manifest's {@code descriptor} names, asserted as {@link #blob}. */
  public byte[] blob(String repository, JsonNode descriptor) throws IOException {
    return blob(repository, descriptor.path("digest").asText(), descriptor.path("size").asLong());
  }

  /** The digests of a manifest's {@code layers} (or any array of descriptors), in order. */
  public static List<String> digests(JsonNode descriptors) {
    List<String> digests = new ArrayList<>();
    descriptors.forEach(descriptor -> digests.add(descriptor.path("digest").asText()));
    return digests;
  }
}
