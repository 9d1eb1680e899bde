package dev.ociregistry.controller.e2e;

import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.ProcessStatus;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of hostile requests, written byte by byte, through the jar as users run it: invalid
 * names, tags and digests in every route shape (encoded, overlong, unicode, NUL), path traversal on
 * {@code /media}, {@code Range} and {@code Content-Range} abuse, {@code Content-Length} lies,
 * malformed chunked bodies, request smuggling, huge and deeply nested JSON, manifests with 10,000
 * layers, broken request lines and headers. Every one is answered (or the connection closed) within
 * seconds and never with a 5xx; every JSON answer has the error shape of its route; nothing outside
 * the storage is read or written; fresh clients are answered afterwards. Prints the figures.
 */
class HostileRequestsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CANARY = "canary-outside-the-root-7f3a";
  private static final long MAX_RESIDENT_KIB = 512 * 1024;

  @TempDir Path workDir;

  @Test
  void hostileRequestsGetNo5xxNoHangAndTouchNothingOutsideTheRoot() throws Exception {
    Path secret = workDir.resolve("secret.txt");
    Files.writeString(secret, CANARY);
    Path data = workDir.resolve("data");
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(workDir, Map.of("DATA_DIR", data.toString()))) {
      URI base = controller.base();
      TestHttp http = new TestHttp(base, Duration.ofSeconds(20));
      Pusher pusher = new Pusher(http);
      Artifacts.Manifest image = pusher.image("corpus/app", "v1", Artifacts.image("corpus"));
      Artifacts.Blob layer = image.blobs().get(1);
      String upload = pusher.startUpload("corpus/app");
      Artifacts.Blob large =
          pusher.blob(
              "corpus/app",
              Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(16 * 1024 * 1024, 31)));
      Set<Path> outsideBefore = filesOutside(data);

      List<Probe> corpus = corpus(base, image, layer, upload);
      Map<Integer, Integer> statuses = new TreeMap<>();
      List<String> failures = new ArrayList<>();
      long started = System.nanoTime();
      for (Probe probe : corpus) {
        RawHttp.Response response = RawHttp.send(base, probe.bytes(), true);
        statuses.merge(response.status(), 1, Integer::sum);
        String problem = problemWith(probe, response);
        if (problem != null) {
          failures.add(probe.name() + ": " + problem + " -> " + response);
        }
      }
      resetWhileAnswered(base, "/v2/corpus/app/manifests/many-layers");
      resetWhileAnswered(base, "/v2/corpus/app/tags/list");
      resetWhileAnswered(base, "/v2/corpus/app/blobs/" + large.digest());
      double seconds = (System.nanoTime() - started) / 1e9;

      assertThat(failures).isEmpty();
      for (int i = 0; i < 10; i++) {
        assertThat(http.get("/v2/").status()).isEqualTo(200);
      }
      assertThat(http.get("/v2/corpus/app/manifests/v1").body()).isEqualTo(image.content());
      assertThat(filesOutside(data)).isEqualTo(outsideBefore);
      assertThat(Files.readString(secret)).isEqualTo(CANARY);
      assertThat(controller.isAlive()).isTrue();
      assertThat(controller.log())
          .doesNotContain("OutOfMemoryError")
          .doesNotContain(" ERROR ")
          .doesNotContain(" WARN ");
      ProcessStatus footprint = ProcessStatus.of(controller.pid());
      // Bounded: the 256 MiB heap and what the JVM needs beside it, whatever the corpus asked for.
      assertThat(footprint.peakResidentKiB()).isLessThan(MAX_RESIDENT_KIB);
      System.out.printf(
          "hostile corpus: %d requests in %.1f s, statuses %s, 0 failures; server %s%n",
          corpus.size(), seconds, statuses, footprint);
    }
  }

  /** One hostile request, and what its answer must be. */
  private record Probe(String name, byte[] bytes, Expect expect) {}

  /** What a probe's answer must be beyond "no 5xx, no hang". */
  private enum Expect {
    /** Any answer that is not a server error (or a closed connection). */
    NO_SERVER_ERROR,
    /** A client error (4xx) in the route's JSON error shape. */
    CLIENT_ERROR
  }

  private static String problemWith(Probe probe, RawHttp.Response response) {
    if (response.status() >= 500) {
      return "server error";
    }
    String text = new String(response.content(), StandardCharsets.ISO_8859_1);
    if (text.contains(CANARY)) {
      return "leaked a file outside the root";
    }
    if (response.status() < 0) {
      return null;
    }
    if (probe.expect() == Expect.CLIENT_ERROR && response.status() < 400) {
      return "expected a client error";
    }
    if (response.status() >= 400 && !"HEAD".equals(method(probe))) {
      String type = response.header("content-type").orElse("");
      if (!type.startsWith("application/json")) {
        return "error answer is not JSON";
      }
      JsonNode body;
      try {
        body = JSON.readTree(response.content());
      } catch (IOException e) {
        return "error body does not parse";
      }
      boolean registryShape = body.has("errors") && body.get("errors").get(0).has("code");
      boolean apiShape = body.has("error") && body.get("error").has("message");
      boolean artifactsShape = body.has("success") && body.has("error");
      if (!registryShape && !apiShape && !artifactsShape) {
        return "error body has no error shape";
      }
      // A path with dot segments is resolved first, and may leave /v2.
      if (path(probe).startsWith("/v2") && !path(probe).contains("..") && !registryShape) {
        return "a /v2 error in another shape";
      }
    }
    return null;
  }

  private static String method(Probe probe) {
    String text =
        new String(
            probe.bytes(), 0, Math.min(16, probe.bytes().length), StandardCharsets.ISO_8859_1);
    int space = text.indexOf(' ');
    return space < 0 ? "" : text.substring(0, space);
  }

  private static String path(Probe probe) {
    String text =
        new String(
            probe.bytes(), 0, Math.min(600, probe.bytes().length), StandardCharsets.ISO_8859_1);
    String[] parts = text.split(" ", 3);
    return parts.length > 1 ? parts[1] : "";
  }

  /**
   * Clients that ask for {@code path} and reset the connection (RST) while the answer is written:
   * their failure is theirs, never logged as the storage's.
   */
  private static void resetWhileAnswered(URI base, String path) throws IOException {
    for (int i = 0; i < 20; i++) {
      try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
        socket.setSoLinger(true, 0);
        socket
            .getOutputStream()
            .write(
                ("GET " + path + " HTTP/1.1\r\nHost: " + RawHttp.hostPort(base) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        if (i % 2 == 1) {
          socket.getInputStream().read();
        }
      }
    }
  }

  private static Set<Path> filesOutside(Path data) throws IOException {
    Path root = data.getParent();
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(file -> !file.startsWith(data))
          .filter(file -> !file.getFileName().toString().endsWith(".log"))
          .collect(Collectors.toSet());
    }
  }

  private static List<Probe> corpus(
      URI base, Artifacts.Manifest image, Artifacts.Blob layer, String upload) {
    Corpus corpus = new Corpus(RawHttp.hostPort(base));
    String digest = image.digest();
    String blob = layer.digest();

    // Names, tags and digests in every route shape.
    List<String> badNames =
        List.of(
            "UPPER",
            "a".repeat(300),
            "a/" + "b/".repeat(200) + "c",
            "..",
            "a/../../etc",
            "%2e%2e/%2e%2e",
            "a%2Fb",
            "a%00b",
            "a\\b",
            "a%5cb",
            "%C3%BC",
            "%F0%9F%92%A9",
            "%ff%fe",
            "%C0%AF",
            "a//b",
            "-a",
            "_a",
            "a%20b",
            "a;b=c",
            "a%",
            "a%zz");
    for (String name : badNames) {
      for (String route :
          List.of(
              "/manifests/v1",
              "/blobs/" + blob,
              "/tags/list",
              "/referrers/" + digest,
              "/blobs/uploads/")) {
        corpus.add(Expect.NO_SERVER_ERROR, "GET", "/v2/" + name + route);
      }
      corpus.add(Expect.NO_SERVER_ERROR, "POST", "/v2/" + name + "/blobs/uploads/");
      corpus.addBody(
          Expect.NO_SERVER_ERROR, "PUT", "/v2/" + name + "/manifests/v1", OCI_MANIFEST, "{}");
    }
    List<String> badReferences =
        List.of(
            "-x",
            "x".repeat(129),
            "%C3%BC",
            "%00",
            "v1%00",
            "sha256:xyz",
            "sha256:" + "a".repeat(63),
            "sha256:" + "A".repeat(64),
            "sha512:abc",
            "md5:" + "a".repeat(32),
            "sha256:..%2f..%2f",
            ":",
            "sha256:",
            "%2e%2e",
            "a".repeat(5000));
    for (String reference : badReferences) {
      corpus.add(Expect.CLIENT_ERROR, "GET", "/v2/corpus/app/manifests/" + reference);
      corpus.add(Expect.CLIENT_ERROR, "DELETE", "/v2/corpus/app/manifests/" + reference);
      corpus.add(Expect.CLIENT_ERROR, "GET", "/v2/corpus/app/blobs/" + reference);
      corpus.add(Expect.CLIENT_ERROR, "GET", "/v2/corpus/app/referrers/" + reference);
      corpus.add(Expect.CLIENT_ERROR, "PATCH", "/v2/corpus/app/blobs/uploads/" + reference);
      corpus.addBody(
          Expect.CLIENT_ERROR,
          "PUT",
          "/v2/corpus/app/manifests/" + reference,
          OCI_MANIFEST,
          new String(image.content(), StandardCharsets.UTF_8));
      corpus.add(
          Expect.CLIENT_ERROR,
          "PUT",
          upload.replace("/v2/", "/v2/").split("\\?")[0] + "?digest=" + reference);
      corpus.add(
          Expect.NO_SERVER_ERROR,
          "POST",
          "/v2/corpus/app/blobs/uploads/?mount=" + reference + "&from=corpus/app");
    }

    // Path traversal on /media and the API.
    for (String traversal :
        List.of(
            "../secret.txt",
            "../../secret.txt",
            "..%2f..%2fsecret.txt",
            "%2e%2e/%2e%2e/secret.txt",
            "..;/..;/secret.txt",
            "..%5c..%5csecret.txt",
            "%252e%252e/secret.txt",
            "/../../../etc/passwd",
            "..%00/secret.txt",
            "tasks/../../secret.txt",
            "tasks/%2e%2e/%2e%2e/secret.txt",
            "tasks/" + "a".repeat(5000))) {
      corpus.add(Expect.NO_SERVER_ERROR, "GET", "/media/" + traversal);
      corpus.addBody(Expect.NO_SERVER_ERROR, "PUT", "/media/" + traversal, "text/plain", "x");
    }
    for (String id : List.of("..", "%2e%2e", "a%00", "a".repeat(5000), "%ff", "x/../../y")) {
      corpus.add(Expect.NO_SERVER_ERROR, "GET", "/api/v1/recipes/" + id);
      corpus.add(Expect.NO_SERVER_ERROR, "DELETE", "/api/v1/recipes/" + id);
      corpus.add(Expect.NO_SERVER_ERROR, "GET", "/api/v1/jobs/" + id);
      corpus.addBody(
          Expect.NO_SERVER_ERROR,
          "POST",
          "/api/v1/jobs/" + id + "/status",
          "application/json",
          "{}");
    }

    // Range and Content-Range abuse.
    for (String range :
        List.of(
            "bytes=5-1",
            "bytes=-0",
            "bytes=0-0,1-1",
            "bytes=999999999999999999999-",
            "bytes=-999999999999999999999",
            "items=0-1",
            "bytes=",
            "bytes=a-b",
            "bytes=0-1," + "2-3,".repeat(2000) + "4-5",
            "bytes=--1")) {
      corpus.addHeaders(
          Expect.NO_SERVER_ERROR, "GET", "/v2/corpus/app/blobs/" + blob, "Range: " + range);
    }
    for (String contentRange :
        List.of(
            "0-",
            "bytes=0-9",
            "0-99999999999999999999",
            "-5",
            "5-1",
            "-1-4",
            "0-4/5",
            "a-b",
            "1-5",
            "0-0" + ",1-1".repeat(1000))) {
      corpus.addRaw(
          Expect.CLIENT_ERROR,
          "PATCH "
              + upload
              + " HTTP/1.1\r\nHost: "
              + corpus.host
              + "\r\nConnection: close\r\nContent-Type: application/octet-stream\r\nContent-Range: "
              + contentRange
              + "\r\nContent-Length: 5\r\n\r\nhello");
    }

    // Content-Length lies, malformed chunking and smuggling.
    String patch = "PATCH " + upload + " HTTP/1.1\r\nHost: " + corpus.host + "\r\n";
    corpus.addRaw(Expect.NO_SERVER_ERROR, patch + "Content-Length: 100\r\n\r\nshort");
    corpus.addRaw(Expect.NO_SERVER_ERROR, patch + "Content-Length: -1\r\n\r\n");
    corpus.addRaw(Expect.NO_SERVER_ERROR, patch + "Content-Length: abc\r\n\r\n");
    corpus.addRaw(Expect.NO_SERVER_ERROR, patch + "Content-Length: 99999999999999999999\r\n\r\nx");
    corpus.addRaw(
        Expect.NO_SERVER_ERROR, patch + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    corpus.addRaw(
        Expect.NO_SERVER_ERROR,
        patch
            + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v2/ HTTP/1.1\r\n\r\n");
    corpus.addRaw(
        Expect.NO_SERVER_ERROR,
        patch + "Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    corpus.addRaw(Expect.NO_SERVER_ERROR, patch + "Transfer-Encoding: gzip\r\n\r\nhello");
    corpus.addRaw(
        Expect.NO_SERVER_ERROR,
        patch + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nhello\r\n0\r\n\r\n");
    corpus.addRaw(
        Expect.NO_SERVER_ERROR,
        patch
            + "Transfer-Encoding: chunked\r\n\r\n5;"
            + "x".repeat(20000)
            + "\r\nhello\r\n0\r\n\r\n");
    corpus.addRaw(
        Expect.NO_SERVER_ERROR,
        patch + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n");
    corpus.addRaw(Expect.NO_SERVER_ERROR, patch + "Transfer-Encoding: chunked\r\n\r\n5\r\nhel");
    corpus.addRaw(
        Expect.NO_SERVER_ERROR,
        "PUT /v2/corpus/app/manifests/smuggled HTTP/1.1\r\nHost: "
            + corpus.host
            + "\r\nContent-Type: "
            + OCI_MANIFEST
            + "\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    corpus.addRaw(
        Expect.NO_SERVER_ERROR,
        "GET /v2/ HTTP/1.1\r\nHost: "
            + corpus.host
            + "\r\nContent-Length: 30\r\n\r\nGET /v2/_catalog HTTP/1.1\r\n\r\n");

    // JSON bodies: huge, deep, strange.
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    String deepObject = "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);
    for (String body :
        List.of(
            deep,
            deepObject,
            "{\"schemaVersion\":2,\"mediaType\":\""
                + OCI_MANIFEST
                + "\",\"x\":\""
                + "a".repeat(3_000_000)
                + "\"}",
            "{\"a\":1,\"a\":2}",
            "{\"schemaVersion\":1e999999999}",
            "{\"schemaVersion\":2,\"x\":1e99999999999999999}",
            "\uFEFF{}",
            "{\"schemaVersion\":2}" + "x",
            "{\"layers\":[" + "{},".repeat(10_000) + "{}]}",
            "\u0000\u0000",
            "{\"\\ud800\":1}")) {
      corpus.addBody(Expect.CLIENT_ERROR, "PUT", "/v2/corpus/app/manifests/v9", OCI_MANIFEST, body);
      corpus.addBody(Expect.CLIENT_ERROR, "POST", "/api/v1/recipes", "application/json", body);
      corpus.addBody(Expect.CLIENT_ERROR, "POST", "/api/v1/jobs", "application/json", body);
      corpus.addBody(
          Expect.CLIENT_ERROR, "POST", "/api/v1/oci/artifacts", "application/json", body);
    }
    corpus.addBody(
        Expect.CLIENT_ERROR,
        "POST",
        "/api/v1/recipes",
        "application/json",
        "{\"name\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}");
    corpus.addBody(
        Expect.NO_SERVER_ERROR,
        "PUT",
        "/v2/corpus/app/manifests/many-layers",
        OCI_MANIFEST,
        manyLayers(image, layer, 10_000));
    corpus.addBody(
        Expect.CLIENT_ERROR,
        "PUT",
        "/v2/corpus/app/manifests/self",
        OCI_MANIFEST,
        selfIndex(digest));

    // Queries.
    for (String query :
        List.of(
            "n=-1",
            "n=99999999999999999999",
            "n=abc",
            "last=%ff",
            "n=1&n=2",
            "last=" + "a".repeat(5000),
            "n=1&" + "x=y&".repeat(5000),
            "%zz=1")) {
      corpus.add(Expect.NO_SERVER_ERROR, "GET", "/v2/corpus/app/tags/list?" + query);
      corpus.add(Expect.NO_SERVER_ERROR, "GET", "/v2/_catalog?" + query);
      corpus.add(Expect.NO_SERVER_ERROR, "GET", "/v2/corpus/app/referrers/" + digest + "?" + query);
      corpus.add(Expect.NO_SERVER_ERROR, "GET", "/api/v1/jobs?" + query);
    }

    // Request lines and headers.
    for (String raw :
        List.of(
            "GARBAGE\r\n\r\n",
            "GET\r\n\r\n",
            "GET /\r\n\r\n",
            "get /v2/ HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /v2/ HTTP/1.1\r\n\r\n",
            "GET /v2/ HTTP/9.9\r\nHost: x\r\n\r\n",
            "GET http://evil.example/v2/ HTTP/1.1\r\nHost: x\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "TRACE /v2/ HTTP/1.1\r\nHost: x\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
            "CONNECT evil.example:443 HTTP/1.1\r\nHost: x\r\n\r\n",
            "PROPFIND /v2/ HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /v2/ HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(100_000) + "\r\n\r\n",
            "GET /v2/ HTTP/1.1\r\nHost: x\r\n" + "X-A: b\r\n".repeat(10_000) + "\r\n",
            "GET /v2/ HTTP/1.1\r\nHost: x\r\nX:\0bad\r\n\r\n",
            "GET /v2/ HTTP/1.1\r\nHost: x\r\nX: a\r\n folded\r\n\r\n",
            "GET /v2/ HTTP/1.1\r\nHost: x\r\nAuthorization: Basic !!!\r\n\r\n",
            "GET /v2/ HTTP/1.1\r\nHost: x\r\nAuthorization: Basic "
                + "QUFB".repeat(1500)
                + "\r\n\r\n",
            "GET /v2/" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "\r\n\r\n\r\n",
            "GET /v2/ HTTP/1.1\nHost: x\n\n",
            "GET /v2/\0 HTTP/1.1\r\nHost: x\r\n\r\n")) {
      corpus.addRaw(Expect.NO_SERVER_ERROR, raw);
    }
    return corpus.probes;
  }

  private static String manyLayers(Artifacts.Manifest image, Artifacts.Blob layer, int count) {
    String descriptor =
        "{\"mediaType\":\""
            + Artifacts.OCI_LAYER
            + "\",\"digest\":\""
            + layer.digest()
            + "\",\"size\":"
            + layer.size()
            + "}";
    Artifacts.Blob config = image.blobs().get(0);
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\""
        + config.mediaType()
        + "\",\"digest\":\""
        + config.digest()
        + "\",\"size\":"
        + config.size()
        + "},\"layers\":["
        + String.join(",", java.util.Collections.nCopies(count, descriptor))
        + "]}";
  }

  /** An index whose only child is a manifest that does not exist here (it names itself). */
  private static String selfIndex(String digest) {
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + Artifacts.OCI_INDEX
        + "\",\"manifests\":[{"
        + "\"mediaType\":\""
        + Artifacts.OCI_INDEX
        + "\",\"digest\":\"sha256:"
        + "0".repeat(64)
        + "\",\"size\":10}],\"subject\":{\"mediaType\":\""
        + OCI_MANIFEST
        + "\",\"digest\":\""
        + "sha256:"
        + "0".repeat(64)
        + "\",\"size\":10}}";
  }

  /** Builds the probes. */
  private static final class Corpus {
    private final String host;
    private final List<Probe> probes = new ArrayList<>();

    Corpus(String host) {
      this.host = host;
    }

    void add(Expect expect, String method, String path) {
      addRaw(
          expect,
          method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    void addHeaders(Expect expect, String method, String path, String header) {
      addRaw(
          expect,
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\nConnection: close\r\n"
              + header
              + "\r\n\r\n");
    }

    void addBody(Expect expect, String method, String path, String type, String body) {
      byte[] content = body.getBytes(StandardCharsets.UTF_8);
      byte[] head =
          (method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nConnection: close\r\n"
                  + "Content-Type: "
                  + type
                  + "\r\nContent-Length: "
                  + content.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8);
      byte[] request = new byte[head.length + content.length];
      System.arraycopy(head, 0, request, 0, head.length);
      System.arraycopy(content, 0, request, head.length, content.length);
      probes.add(
          new Probe(method + " " + abbreviate(path) + " " + abbreviate(body), request, expect));
    }

    void addRaw(Expect expect, String raw) {
      probes.add(new Probe(abbreviate(raw), raw.getBytes(StandardCharsets.ISO_8859_1), expect));
    }

    private static String abbreviate(String text) {
      String flat = text.replace("\r\n", " | ");
      return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
    }
  }
}
