package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Responses.describe;
import static dev.ociregistry.servlet.testing.Responses.headerNames;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * end-1 ({@code GET /v2/}), the {@code Docker-Distribution-API-Version} header on every response,
 * and the {@link RegistryListener} seam.
 */
class BaseEndpointTest extends RegistryTestBase {
  private final Recorder recorder = new Recorder();

  @Override
  protected RegistryListener listener() {
    return recorder;
  }

  @Test
  void baseWithSlashAnswers200WithEmptyJsonObject() throws Exception {
    TestHttp.Response response = http.get("/v2/");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).isEqualTo("{}");
    assertThat(response.header("Content-Type")).hasValue("application/json");
    assertThat(response.header("Content-Length")).hasValue("2");
    assertThat(response.header("Docker-Distribution-API-Version")).hasValue("registry/2.0");
    assertThat(headerNames(response))
        .containsExactlyInAnyOrder(
            "content-type", "content-length", "docker-distribution-api-version");
  }

  @Test
  void baseWithoutSlashAnswers200WithoutRedirect() throws Exception {
    TestHttp.Response response = http.get("/v2");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Location")).isEmpty();
    assertThat(response.text()).isEqualTo("{}");
    assertThat(response.header("Docker-Distribution-API-Version")).hasValue("registry/2.0");
  }

  @Test
  void headOfBaseAnswers200WithoutBody() throws Exception {
    TestHttp.Response response = http.head("/v2/");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.header("Docker-Distribution-API-Version")).hasValue("registry/2.0");
  }

  @Test
  void baseIsNeverCompressedEvenWhenClientAcceptsGzip() throws Exception {
    TestHttp.Response response =
        http.send(http.request("/v2/").header("Accept-Encoding", "gzip").GET());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Encoding")).isEmpty();
    assertThat(response.text()).isEqualTo("{}");
  }

  @Test
  void apiVersionHeaderIsOnEverySuccessAndEveryError() throws Exception {
    Blob blob = pusher.blob("versioned", Artifacts.layer("content"));
    String upload = pusher.startUpload("versioned");
    String unknown = Digests.sha256("unknown".getBytes(StandardCharsets.UTF_8));
    List<TestHttp.Response> responses = new ArrayList<>();
    responses.add(http.get("/v2/versioned/blobs/" + blob.digest()));
    responses.add(http.head("/v2/versioned/blobs/" + blob.digest()));
    responses.add(http.post("/v2/versioned/blobs/uploads/", new byte[0]));
    responses.add(http.get(upload));
    responses.add(http.get("/v2/versioned/blobs/" + unknown));
    responses.add(http.head("/v2/versioned/blobs/" + unknown));
    responses.add(http.get("/v2/Versioned/blobs/" + unknown));
    responses.add(http.get("/v2/versioned/blobs/sha256:abc"));
    responses.add(http.get("/v2/no/such/endpoint"));
    responses.add(http.post("/v2/", new byte[0]));
    responses.add(http.patch(upload, "7-9", new byte[3]));
    responses.add(http.get("/v2/versioned/tags/list?n=x"));
    responses.add(http.get("/v2/_catalog"));

    assertThat(responses)
        .allSatisfy(
            response ->
                assertThat(response.headerValues("Docker-Distribution-API-Version"))
                    .as(describe(response))
                    .containsExactly("registry/2.0"));
    assertThat(responses.stream().map(TestHttp.Response::status))
        .containsExactly(200, 200, 202, 204, 404, 404, 400, 400, 404, 405, 416, 400, 200);
  }

  @Test
  void listenerHearsEveryRequestOnceWithItsRouteAndStatus() throws Exception {
    String unknown = Digests.sha256("unknown".getBytes(StandardCharsets.UTF_8));
    String upload = pusher.startUpload("heard");
    http.get("/v2/");
    http.get("/v2/heard/blobs/" + unknown);
    http.head("/v2/heard/blobs/" + unknown);
    http.patch(upload, "5-9", new byte[5]);
    http.get("/v2/heard/nothing-here");
    http.send(http.request("/v2/_catalog").DELETE());

    List<String> expected =
        List.of(
            "POST UPLOADS 202",
            "GET BASE 200",
            "GET BLOB 404",
            "HEAD BLOB 404",
            "PATCH UPLOAD 416",
            "GET null 404",
            "DELETE CATALOG 405");
    Await.until("one event per request", () -> recorder.requests().size() >= expected.size());
    // A sentinel request: its event follows every event of the requests before it.
    http.get("/v2/_catalog");
    Await.until("the sentinel's event", () -> recorder.requests().size() >= expected.size() + 1);

    List<String> all = new ArrayList<>(expected);
    all.add("GET CATALOG 200");
    assertThat(recorder.requests()).containsExactlyInAnyOrderElementsOf(all);
    assertThat(recorder.durations()).allSatisfy(nanos -> assertThat(nanos).isPositive());
  }

  @Test
  void listenerHearsBlobPushesFromEveryUploadPath() throws Exception {
    byte[] monolithic = "monolithic".getBytes(StandardCharsets.UTF_8);
    byte[] chunked = "chunked".getBytes(StandardCharsets.UTF_8);
    pusher.blob("events/a", Artifacts.blob(Artifacts.OCI_LAYER, monolithic));
    String upload = pusher.startUpload("events/a");
    http.patch(upload, "0-" + (chunked.length - 1), chunked);
    TestHttp.Response closed =
        http.put(upload + "?digest=" + Digests.sha256(chunked), null, new byte[0]);
    assertThat(closed.status()).isEqualTo(201);
    TestHttp.Response mounted =
        http.post(
            "/v2/events/b/blobs/uploads/?mount=" + Digests.sha256(monolithic) + "&from=events/a",
            new byte[0]);
    assertThat(mounted.status()).isEqualTo(201);

    assertThat(recorder.blobs())
        .containsExactly(
            "events/a " + Digests.sha256(monolithic) + " " + monolithic.length,
            "events/a " + Digests.sha256(chunked) + " " + chunked.length,
            "events/b " + Digests.sha256(monolithic) + " " + monolithic.length);
  }

  @Test
  void listenerHearsManifestPushesAndDeletes() throws Exception {
    Manifest manifest = pusher.image("events/m", "v1", Artifacts.image("one"));
    TestHttp.Response deleted = http.delete("/v2/events/m/manifests/" + manifest.digest());
    assertThat(deleted.status()).isEqualTo(202);

    assertThat(recorder.manifests())
        .containsExactly(
            "pushed events/m " + manifest.digest(), "deleted events/m " + manifest.digest());
  }

  @Test
  void listenerHearsNoPushWhenThePushFails() throws Exception {
    byte[] content = "content".getBytes(StandardCharsets.UTF_8);
    String wrong = Digests.sha256("other".getBytes(StandardCharsets.UTF_8));
    TestHttp.Response refused =
        http.send(
            http.request("/v2/events/f/blobs/uploads/?digest=" + wrong)
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
    assertThat(refused.status()).isEqualTo(400);
    TestHttp.Response manifest =
        http.put("/v2/events/f/manifests/v1", Artifacts.OCI_MANIFEST, "{".getBytes());
    assertThat(manifest.status()).isEqualTo(400);

    assertThat(recorder.blobs()).isEmpty();
    assertThat(recorder.manifests()).isEmpty();
  }

  /** Records what the servlet tells its listener, as short strings. */
  private static final class Recorder implements RegistryListener {
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> durations = Collections.synchronizedList(new ArrayList<>());
    private final List<String> blobs = Collections.synchronizedList(new ArrayList<>());
    private final List<String> manifests = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void requestCompleted(RequestEvent event) {
      requests.add(event.method() + " " + event.route() + " " + event.status());
      durations.add(event.durationNanos());
    }

    @Override
    public void blobPushed(RepositoryName repository, Digest digest, long size) {
      blobs.add(repository + " " + digest + " " + size);
    }

    @Override
    public void manifestPushed(RepositoryName repository, Digest digest) {
      manifests.add("pushed " + repository + " " + digest);
    }

    @Override
    public void manifestDeleted(RepositoryName repository, Digest digest) {
      manifests.add("deleted " + repository + " " + digest);
    }

    List<String> requests() {
      synchronized (requests) {
        return List.copyOf(requests);
      }
    }

    List<Long> durations() {
      synchronized (durations) {
        return List.copyOf(durations);
      }
    }

    List<String> blobs() {
      synchronized (blobs) {
        return List.copyOf(blobs);
      }
    }

    List<String> manifests() {
      synchronized (manifests) {
        return List.copyOf(manifests);
      }
    }
  }

  @Test
  void theOneArgumentServletServesWithDefaultsAndNoAuthentication() throws Exception {
    try (dev.ociregistry.core.OciRegistry registry =
            dev.ociregistry.core.OciRegistry.open(
                root.resolve("plain"), dev.ociregistry.core.RegistryOptions.defaults());
        dev.ociregistry.testkit.JettyFixture jetty =
            dev.ociregistry.testkit.JettyFixture.start(
                context ->
                    context.addServlet(
                        new org.eclipse.jetty.ee10.servlet.ServletHolder(
                            new OciRegistryServlet(registry)),
                        "/v2/*"))) {
      TestHttp plain = jetty.http();
      Manifest image =
          new dev.ociregistry.testkit.Pusher(plain)
              .image("plain/app", "v1", Artifacts.image("plain"));

      assertThat(plain.get("/v2/").status()).isEqualTo(200);
      assertThat(plain.get("/v2/plain/app/manifests/v1").body()).isEqualTo(image.content());
    }
  }
}
