package dev.ociregistry.servlet.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.conformance.ConformanceClient.Resp;
import dev.ociregistry.servlet.testing.RegistryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
abstract class ConformanceTestBase {
  /** A soft check that did not hold: the suite's {@code Warn} or an optional check not met. */
  record SoftCheck(String spec, String message) {
    @Override
    public String toString() {
      return spec + ": " + message;
    }
  }

  private Path root;
  private RegistryServer server;
  protected ConformanceFixtures f;
  protected ConformanceClient client;
  private final List<SoftCheck> softChecks = new ArrayList<>();

  @BeforeAll
  void startRegistry() throws Exception {
    root = Files.createTempDirectory("oci-conformance-");
    server = RegistryServer.start(root);
    f = ConformanceFixtures.create();
    client = new ConformanceClient(server.base(), ConformanceFixtures.NAMESPACE);
  }

  @AfterAll
  void stopRegistry() throws Exception {
    try {
      if (server != null) {
        server.close();
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

  protected static void assertStatusIn(Resp response, Integer... allowed) {
    assertThat(response.status()).as("%s", response).isIn(Arrays.asList(allowed));
  }

  /** {@code BeNumerically(">=", 200)} and {@code BeNumerically("<", 300)}. */
  protected static void assertSuccess(Resp response) {
    assertThat(response.status()).as("%s", response).isBetween(200, 299);
  }

  /** A 2xx, or one of {@code alternatives}: how the teardown steps accept a delete. */
  protected static void assertSuccessOr(Resp response, Integer... alternatives) {
    boolean ok =
        (response.status() >= 200 && response.status() < 300)
            || Arrays.asList(alternatives).contains(response.status());
    assertThat(ok).as("2xx or %s expected: %s", Arrays.toString(alternatives), response).isTrue();
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

  protected final Resp pushManifest(String reference, String contentType, byte[] content)
      throws IOException {
    return request("PUT", "/v2/<name>/manifests/<reference>")
        .reference(reference)
        .header("Content-Type", contentType)
        .body(content)
        .send();
  }
}
