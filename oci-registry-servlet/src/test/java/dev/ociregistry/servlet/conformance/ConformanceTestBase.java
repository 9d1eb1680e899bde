package dev.ociregistry.servlet.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.conformance.ConformanceClient.Resp;
import dev.ociregistry.servlet.testing.RegistryServer;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One workflow of the conformance suite against one fresh registry: a real Jetty on a random port
 * over an empty directory, started before the first step and stopped after the last. Steps run in
 * the suite's order and share state, as the Go specs of one workflow do.
 *
 * <p>What the Go suite only warns about is recorded as a soft check: printed as the suite prints
 * its warnings, never failing the step, and reported by the last step of the class, which is
 * skipped (not failed) with the list when there is anything to report.
 *
 * <p>Where the suite accepts several answers, so that registries which refuse deletes or do not
 * mount pass too, the steps expect the one answer of this registry, which does both: a step that
 * accepted 405 for a delete would pass with deletes broken.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
public abstract class ConformanceTestBase {
  /** A soft check that did not hold: the suite's {@code Warn} or an optional check not met. */
  record SoftCheck(String spec, String message) {
    @Override
    public String toString() {
      return spec + ": " + message;
    }
  }

  /**
   * A registry the steps run against: the address requests go to, and what stops it once the last
   * step has run.
   */
  public record RegistryUnderTest(URI base, AutoCloseable stop) {}

  private Path root;
  private RegistryUnderTest registry;
  protected ConformanceFixtures f;
  protected ConformanceClient client;
  private final List<SoftCheck> softChecks = new ArrayList<>();

  /**
   * Starts the registry the steps run against, with {@code root} an empty directory of its own:
   * this module's server on a random port; a subclass may put another registry there.
   */
  protected RegistryUnderTest registryUnderTest(Path root) throws Exception {
    RegistryServer server = RegistryServer.start(root);
    return new RegistryUnderTest(server.base(), server);
  }

  @BeforeAll
  void startRegistry() throws Exception {
    root = Files.createTempDirectory("oci-conformance-");
    registry = registryUnderTest(root);
    f = ConformanceFixtures.create();
    client = new ConformanceClient(new TestHttp(registry.base()), ConformanceFixtures.NAMESPACE);
  }

  @AfterAll
  void stopRegistry() throws Exception {
    try {
      if (registry != null) {
        registry.stop().close();
      }
    } finally {
      if (root != null) {
        try (Stream<Path> paths = Files.walk(root)) {
          paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
      }
    }
  }

  // The suite's Warn(): printed, recorded, never a failure.
  protected final void warn(String spec, String message) {
    SoftCheck check = new SoftCheck(spec, message);
    softChecks.add(check);
    System.err.println("WARNING (" + getClass().getSimpleName() + "): " + check);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  @DisplayName("Soft checks (what the suite only warns about)")
  void softChecksHeld() {
    // The suite only warns about these; this registry claims them, so they are held as checks.
    assertThat(softChecks).as("soft checks that did not hold").isEmpty();
  }

  protected final ConformanceClient.Request request(String method, String path) {
    return client.newRequest(method, path);
  }

  /** Go's {@code resp.GetRelativeLocation()} used as the path of the next request. */
  protected final ConformanceClient.Request request(String method, Resp locationFrom) {
    return client.newRequest(method, locationFrom.relativeLocation());
  }

  protected static void assertStatus(Resp response, int expected) {
    assertThat(response.status()).as("%s", response).isEqualTo(expected);
  }

  /**
   * A push answered 201 Created, as this registry answers every blob and manifest push (end-4b,
   * end-6, end-7); the Go suite's setup steps accept any 2xx.
   */
  protected static void assertCreated(Resp response) {
    assertStatus(response, 201);
  }

  /**
   * A delete answered 202 Accepted (end-9, end-10). The Go suite's teardown steps accept any 2xx,
   * or 405 from a registry that refuses deletes; this registry deletes, so only its answer passes.
   */
  protected static void assertDeleted(Resp response) {
    assertStatus(response, 202);
  }

  /**
   * A delete of what an earlier step of the same teardown deleted already: 404 with {@code
   * MANIFEST_UNKNOWN} or {@code BLOB_UNKNOWN}, never a second 202.
   */
  protected static void assertAlreadyDeleted(Resp response, String code) throws IOException {
    assertStatus(response, 404);
    assertThat(response.json().path("errors").path(0).path("code").asText())
        .as("error code of %s", response)
        .isEqualTo(code);
  }

  protected static void assertHeaderNotEmpty(Resp response, String header) {
    assertThat(response.header(header)).as("%s header of %s", header, response).isNotEmpty();
  }

  /** The suite's optional header checks: compared only when the registry sends the header. */
  protected static void assertDigestHeaderIfPresent(Resp response, String expected) {
    String header = response.header("Docker-Content-Digest");
    if (!header.isEmpty()) {
      assertThat(header).as("Docker-Content-Digest of %s", response).isEqualTo(expected);
    }
  }

  /** Uploads a blob as the setup steps do: POST for a session, then PUT with the content. */
  protected final Resp pushBlob(ConformanceFixtures.TestBlob blob) throws IOException {
    Resp session = request("POST", "/v2/<name>/blobs/uploads/").send();
    return request("PUT", session)
        .query("digest", blob.digest())
        .header("Content-Type", ConformanceFixtures.OCTET_STREAM)
        .header("Content-Length", blob.contentLength())
        .body(blob.content())
        .send();
  }

  /** The DELETE of a blob the workflows send (end-10). */
  protected final Resp deleteBlob(String digest) throws IOException {
    return request("DELETE", "/v2/<name>/blobs/<digest>").digest(digest).send();
  }

  /** The DELETE of a manifest through the {@code <digest>} template, as the teardowns send it. */
  protected final Resp deleteManifest(String reference) throws IOException {
    return request("DELETE", "/v2/<name>/manifests/<digest>").digest(reference).send();
  }

  protected final Resp pushManifest(String reference, String contentType, byte[] content)
      throws IOException {
    return request("PUT", "/v2/<name>/manifests/<reference>")
        .reference(reference)
        .header("Content-Type", contentType)
        .body(content)
        .send();
  }
}
