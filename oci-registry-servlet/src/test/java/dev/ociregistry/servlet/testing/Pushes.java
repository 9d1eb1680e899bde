package dev.ociregistry.servlet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.core.digest.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushes blobs and manifests over HTTP and reads what the API answers: the error body, the header
 * names, the JSON documents. Every push asserts its own success, so a test reads as the steps it
 * takes.
 */
public final class Pushes {
  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>; rel=\"next\"");

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** The digest of zero bytes. */
  public static final Digest EMPTY_DIGEST = Digest.sha256(new byte[0]);

  public static final ObjectMapper JSON = new ObjectMapper();

  private final Http http;

  public Pushes(Http http) {
    this.http = http;
  }

  /** A stored blob: its digest and bytes. */
  public record Blob(Digest digest, byte[] content) {
    public long size() {
      return content.length;
    }

    /** A descriptor of this blob as a JSON object. */
    public Map<String, Object> descriptor(String mediaType) {
      return Pushes.descriptor(mediaType, digest, content.length);
    }
  }

  /** A stored manifest: its digest, exact bytes and media type. */
  public record Manifest(Digest digest, byte[] content, String mediaType) {
    public Map<String, Object> descriptor() {
      return Pushes.descriptor(mediaType, digest, content.length);
    }
  }

  /** Pushes a blob with a single {@code POST ?digest=} and asserts 201. */
  public Blob blob(String repository, byte[] content) throws IOException {
    Digest digest = Digest.sha256(content);
    HttpResponse<byte[]> response =
        http.post("/v2/" + repository + "/blobs/uploads/?digest=" + digest, content);
    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
    return new Blob(digest, content);
  }

  public Blob blob(String repository, String content) throws IOException {
    return blob(repository, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Opens an upload session and returns its {@code Location}. */
  public String startUpload(String repository) throws IOException {
    HttpResponse<byte[]> response = http.post("/v2/" + repository + "/blobs/uploads/", new byte[0]);
    assertThat(response.statusCode()).as(describe(response)).isEqualTo(202);
    return response.headers().firstValue("Location").orElseThrow();
  }

  /** Pushes a manifest and asserts 201; returns what was stored. */
  public Manifest manifest(String repository, String reference, String mediaType, byte[] body)
      throws IOException {
    HttpResponse<byte[]> response =
        http.put("/v2/" + repository + "/manifests/" + reference, mediaType, body);
    assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
    return new Manifest(Digest.sha256(body), body, mediaType);
  }

  public Manifest manifest(
      String repository, String reference, String mediaType, Map<String, Object> body)
      throws IOException {
    return manifest(repository, reference, mediaType, bytes(body));
  }

  /**
   * Pushes a small OCI image (config and one layer, both made from {@code seed}) and its manifest
   * under {@code reference}.
   */
  public Manifest image(String repository, String reference, String seed) throws IOException {
    Blob config = blob(repository, "{\"seed\":\"" + seed + "\"}");
    Blob layer = blob(repository, "layer of " + seed);
    return manifest(
        repository, reference, OCI_MANIFEST, imageManifest(OCI_MANIFEST, config, layer));
  }

  /** An image manifest body: {@code schemaVersion}, {@code mediaType}, config and layers. */
  public static Map<String, Object> imageManifest(String mediaType, Blob config, Blob... layers) {
    boolean docker = DOCKER_MANIFEST.equals(mediaType);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemaVersion", 2);
    body.put("mediaType", mediaType);
    body.put("config", config.descriptor(docker ? DOCKER_CONFIG : OCI_CONFIG));
    List<Object> list = new ArrayList<>();
    for (Blob layer : layers) {
      list.add(layer.descriptor(docker ? DOCKER_LAYER : OCI_LAYER));
    }
    body.put("layers", list);
    return body;
  }

  /** An index body over {@code children}. */
  public static Map<String, Object> index(String mediaType, Manifest... children) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemaVersion", 2);
    body.put("mediaType", mediaType);
    List<Object> list = new ArrayList<>();
    for (Manifest child : children) {
      Map<String, Object> descriptor = child.descriptor();
      descriptor.put("platform", Map.of("architecture", "amd64", "os", "linux"));
      list.add(descriptor);
    }
    body.put("manifests", list);
    return body;
  }

  public static Map<String, Object> descriptor(String mediaType, Digest digest, long size) {
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", digest.toString());
    descriptor.put("size", size);
    return descriptor;
  }

  public static byte[] bytes(Object json) {
    try {
      return JSON.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The target of a listing's {@code Link: <...>; rel="next"} header; null when it has none. */
  public static String nextLink(HttpResponse<byte[]> response) {
    return response
        .headers()
        .firstValue("Link")
        .map(
            link -> {
              Matcher matcher = NEXT_LINK.matcher(link);
              assertThat(matcher.matches()).as(link).isTrue();
              return matcher.group(1);
            })
        .orElse(null);
  }

  public static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /**
   * The one entry of a spec error body, after checking the body's shape: {@code {"errors":[...]}}
   * with exactly one entry that has a {@code code} and a {@code message}, and no other fields than
   * {@code code}, {@code message} and {@code detail}.
   */
  public static JsonNode error(HttpResponse<byte[]> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type"))
        .as(describe(response))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(fieldNames(body)).as(describe(response)).containsExactly("errors");
    JsonNode errors = body.get("errors");
    assertThat(errors.isArray()).isTrue();
    assertThat(errors.size()).as(describe(response)).isEqualTo(1);
    JsonNode entry = errors.get(0);
    assertThat(fieldNames(entry)).contains("code", "message");
    assertThat(fieldNames(entry)).isSubsetOf("code", "message", "detail");
    assertThat(entry.get("code").isTextual()).isTrue();
    return entry;
  }

  /** The {@code code} of the one error entry in the body. */
  public static String errorCode(HttpResponse<byte[]> response) throws IOException {
    return error(response).get("code").asText();
  }

  public static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  /**
   * The names of the response's headers, lower case, without {@code date} and {@code server}, which
   * the container adds on its own.
   */
  public static Set<String> headerNames(HttpResponse<?> response) {
    Set<String> names = new TreeSet<>();
    for (String name : response.headers().map().keySet()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!lower.equals("date") && !lower.equals("server") && !lower.equals(":status")) {
        names.add(lower);
      }
    }
    return names;
  }

  /** The headers of a response, lower-cased names, without {@code date}. */
  public static Map<String, List<String>> headersWithoutDate(HttpResponse<?> response) {
    Map<String, List<String>> headers = new java.util.TreeMap<>();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (!lower.equals("date") && !lower.equals(":status")) {
                headers.put(lower, values);
              }
            });
    return headers;
  }

  /** A short description of a response for assertion messages. */
  public static String describe(HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    if (body.length() > 300) {
      body = body.substring(0, 300) + "...";
    }
    return response.request().method()
        + " "
        + response.uri()
        + " -> "
        + response.statusCode()
        + " "
        + response.headers().map()
        + " "
        + body;
  }

  /** {@code count} bytes of a fixed pattern that depends on {@code seed}. */
  public static byte[] content(int count, int seed) {
    byte[] bytes = new byte[count];
    long state = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < count; i++) {
      state ^= state << 13;
      state ^= state >>> 7;
      state ^= state << 17;
      bytes[i] = (byte) state;
    }
    return bytes;
  }

  /** Waits, up to ten seconds, until {@code condition} holds. */
  public static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  /**
   * A request body the test feeds piece by piece from its own thread: reads block until the test
   * sends more or finishes. Made for holding a streamed upload open as long as a test needs.
   */
  public static final class Feed extends InputStream {
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> pieces = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    /** Makes {@code bytes} readable. */
    public void send(byte[] bytes) {
      if (bytes.length > 0) {
        pieces.add(bytes.clone());
      }
    }

    /** Ends the body once what was sent has been read. */
    public void finish() {
      pieces.add(END);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (position == current.length) {
        if (ended) {
          return -1;
        }
        try {
          byte[] next = pieces.take();
          if (next == END) {
            ended = true;
          } else {
            current = next;
            position = 0;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException();
        }
      }
      int count = Math.min(length, current.length - position);
      System.arraycopy(current, position, buffer, offset, count);
      position += count;
      return count;
    }
  }
}
