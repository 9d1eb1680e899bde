package dev.ociregistry.servlet.conformance;

import static dev.ociregistry.testkit.Artifacts.OCI_CONFIG;
import static dev.ociregistry.testkit.Artifacts.OCI_EMPTY;
import static dev.ociregistry.testkit.Artifacts.OCI_INDEX;
import static dev.ociregistry.testkit.Artifacts.OCI_LAYER_GZIP;
import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * The test content and settings of the OCI distribution-spec conformance suite ({@code
 * conformance/setup.go} and {@code image.go}), rebuilt in Java: one set per test class, as the Go
 * suite builds one set per run.
 *
 * <p>The Go suite is configured by environment variables; this port runs it as configured with
 * every workflow enabled and automatic cross-mounting expected to work:
 *
 * <pre>
 *   OCI_TEST_PULL=1 OCI_TEST_PUSH=1 OCI_TEST_CONTENT_DISCOVERY=1 OCI_TEST_CONTENT_MANAGEMENT=1
 *   OCI_AUTOMATIC_CROSSMOUNT=true   (set, and true)
 *   OCI_DELETE_MANIFEST_BEFORE_BLOBS unset (the suite's default: true)
 *   OCI_TAG_NAME, OCI_MANIFEST_DIGEST, OCI_BLOB_DIGEST, OCI_TAG_LIST unset (every setup step runs)
 *   OCI_NAMESPACE={@link #NAMESPACE}, OCI_CROSSMOUNT_NAMESPACE unset (conformance-&lt;uuid&gt;)
 * </pre>
 *
 * <p>Manifests are serialized the way Go's {@code json.MarshalIndent(v, "", "\t")} writes the
 * suite's structs: fields in struct order, {@code omitempty} fields left out when empty, byte
 * slices as base64, and the descriptor's extra {@code newUnspecifiedField} always present ({@code
 * null} when unset), so the registry sees the same kinds of documents, unknown fields included.
 * That is why they are not built with the test kit's {@code Artifacts}, which writes compact JSON
 * of the image-spec's fields; its media types, digests and random content are used.
 */
final class ConformanceFixtures {
  // Settings (the environment variables of setup.go), all workflows on.

  /** OCI_NAMESPACE: a nested repository name, as registries are usually tested with. */
  static final String NAMESPACE = "oci-conformance/myrepo";

  static final String TEST_TAG_NAME = "tagtest0";
  static final String EMPTY_LAYER_TEST_TAG = "emptylayer";
  static final String NONEXISTENT_MANIFEST = ".INVALID_MANIFEST_NAME";
  static final byte[] INVALID_MANIFEST_CONTENT = "blablabla".getBytes(StandardCharsets.UTF_8);
  static final String ARTIFACT_TYPE_FILTER = "artifactType";

  static final String OCTET_STREAM = "application/octet-stream";

  /** The well-known digest of the two bytes {@code {}}, which the suite checks it computed. */
  static final String EMPTY_JSON_DIGEST =
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

  /** The spec's error codes, the only ones an error body may carry. */
  static final List<String> ERROR_CODES =
      List.of(
          "BLOB_UNKNOWN",
          "BLOB_UPLOAD_INVALID",
          "BLOB_UPLOAD_UNKNOWN",
          "DIGEST_INVALID",
          "MANIFEST_BLOB_UNKNOWN",
          "MANIFEST_INVALID",
          "MANIFEST_UNKNOWN",
          "MANIFEST_UNVERIFIED",
          "NAME_INVALID",
          "NAME_UNKNOWN",
          "SIZE_INVALID",
          "TAG_INVALID",
          "UNAUTHORIZED",
          "DENIED",
          "UNSUPPORTED");

  /**
   * How many configs and manifests setup.go makes: its {@code numWorkflows} constant shares an iota
   * with the workflow bit flags, so it is {@code 1 << 4}; the workflows use indexes 0 to 4.
   */
  static final int NUM_TEST_IMAGES = 16;

  static final String ANNOTATION_KEY = "org.opencontainers.conformance.test";

  /** A blob as setup.go keeps it: content, its length as text, its digest. */
  record TestBlob(byte[] content, String contentLength, String digest) {
    static TestBlob of(byte[] content) {
      return new TestBlob(content, Integer.toString(content.length), Digests.sha256(content));
    }

    int size() {
      return content.length;
    }
  }

  final String crossmountNamespace = "conformance-" + UUID.randomUUID();
  final long seed = new SecureRandom().nextLong();

  final List<TestBlob> configs = new ArrayList<>();
  final List<TestBlob> manifests = new ArrayList<>();
  final TestBlob layerBlob;
  final TestBlob emptyLayerManifest;
  final String dummyDigest = Digests.sha256("hello world".getBytes(StandardCharsets.UTF_8));

  /** 42 reproducible random bytes (seed + 1), pushed streamed and then cross-mounted. */
  final TestBlob testBlobA;

  /**
   * 42 reproducible random bytes (seed + 2), pushed in two chunks; rebuilt if the registry asks.
   */
  TestBlob testBlobB;

  byte[] testBlobBChunk1;
  byte[] testBlobBChunk2;
  String testBlobBChunk1Range;
  String testBlobBChunk2Range;

  // Referrers (artifacts with a subject).
  final byte[] emptyJsonBlob = "{}".getBytes(StandardCharsets.UTF_8);
  final Map<String, Object> emptyJsonDescriptor;
  final TestBlob testRefBlobA =
      TestBlob.of(
          "Conformance peanut butter for the referrers test".getBytes(StandardCharsets.UTF_8));
  final TestBlob testRefBlobB =
      TestBlob.of(
          "Conformance strawberry jam for the referrers test".getBytes(StandardCharsets.UTF_8));
  final String testRefArtifactTypeA = "application/vnd.conformance.peanut.butter";
  final String testRefArtifactTypeB = "application/vnd.conformance.strawberry.jam";
  final String testRefArtifactTypeIndex = "application/vnd.conformance.breakfast";

  /** The annotation value each referrer carries, by the referrer's digest. */
  final Map<String, String> testAnnotationValues = new LinkedHashMap<>();

  final TestBlob refsManifestAConfigArtifact;
  final TestBlob refsManifestBConfigArtifact;
  final TestBlob refsManifestALayerArtifact;
  final TestBlob refsManifestBLayerArtifact;
  final TestBlob refsManifestCLayerArtifact;
  final TestBlob refsIndexArtifact;

  private ConformanceFixtures() {
    for (int i = 0; i < NUM_TEST_IMAGES; i++) {
      // A random author makes each config, and so each manifest, unique to this run.
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("author", randomString(16));
      config.put("architecture", "amd64");
      config.put("os", "linux");
      config.put("rootfs", object("type", "layers", "diff_ids", List.of()));
      configs.add(TestBlob.of(GoJson.marshalIndent(config)));
    }

    layerBlob = TestBlob.of(layerTarGz());
    List<Object> layers = List.of(descriptor(OCI_LAYER_GZIP, layerBlob, null, null, null));

    for (int i = 0; i < NUM_TEST_IMAGES; i++) {
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("schemaVersion", 2);
      manifest.put("mediaType", OCI_MANIFEST);
      manifest.put("config", configDescriptor(configs.get(i)));
      manifest.put("layers", layers);
      manifests.add(TestBlob.of(GoJson.marshalIndent(manifest)));
    }

    // Pushed in the push workflow: no mediaType field, no layers.
    Map<String, Object> emptyLayer = new LinkedHashMap<>();
    emptyLayer.put("schemaVersion", 2);
    emptyLayer.put("config", configDescriptor(configs.get(1)));
    emptyLayer.put("layers", List.of());
    emptyLayerManifest = TestBlob.of(GoJson.marshalIndent(emptyLayer));

    testBlobA = TestBlob.of(Artifacts.content(42, seed + 1));
    setupChunkedBlob(42);

    emptyJsonDescriptor = descriptor(OCI_EMPTY, TestBlob.of(emptyJsonBlob), null, null, null);
    Map<String, Object> subject4 = descriptor(OCI_MANIFEST, manifests.get(4), null, null, null);
    Map<String, Object> subject3 = descriptor(OCI_MANIFEST, manifests.get(3), null, null, null);

    // config.mediaType carries the artifact type
    refsManifestAConfigArtifact =
        referrer(
            null,
            descriptor(testRefArtifactTypeA, testRefBlobA, null, null, null),
            List.of(emptyJsonDescriptor),
            subject4,
            "test config a");
    refsManifestBConfigArtifact =
        referrer(
            null,
            descriptor(testRefArtifactTypeB, testRefBlobB, null, null, null),
            List.of(emptyJsonDescriptor),
            subject4,
            "test config b");
    // artifactType carries it, config is the empty JSON descriptor
    refsManifestALayerArtifact =
        referrer(
            testRefArtifactTypeA,
            emptyJsonDescriptor,
            List.of(descriptor(testRefArtifactTypeA, testRefBlobA, null, null, null)),
            subject4,
            "test layer a");
    refsManifestBLayerArtifact =
        referrer(
            testRefArtifactTypeB,
            emptyJsonDescriptor,
            List.of(descriptor(testRefArtifactTypeB, testRefBlobB, null, null, null)),
            subject4,
            "test layer b");
    // as B, but its subject (manifests[3]) is never pushed in the discovery workflow
    refsManifestCLayerArtifact =
        referrer(
            testRefArtifactTypeB,
            emptyJsonDescriptor,
            List.of(descriptor(testRefArtifactTypeB, testRefBlobB, null, null, null)),
            subject3,
            null);

    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", OCI_INDEX);
    index.put("artifactType", testRefArtifactTypeIndex);
    index.put(
        "manifests",
        List.of(
            descriptor(OCI_MANIFEST, refsManifestAConfigArtifact, null, null, null),
            descriptor(OCI_MANIFEST, refsManifestALayerArtifact, null, null, null)));
    index.put("subject", subject4);
    index.put("annotations", annotations("test index"));
    refsIndexArtifact = TestBlob.of(GoJson.marshalIndent(index));
    testAnnotationValues.put(refsIndexArtifact.digest(), "test index");
  }

  static ConformanceFixtures create() {
    return new ConformanceFixtures();
  }

  /** setup.go's setupChunkedBlob: a random blob cut after {@code size / 2 + 1} bytes. */
  void setupChunkedBlob(int size) {
    testBlobB = TestBlob.of(Artifacts.content(size, seed + 2));
    int cut = size / 2 + 1;
    testBlobBChunk1 = java.util.Arrays.copyOfRange(testBlobB.content(), 0, cut);
    testBlobBChunk2 = java.util.Arrays.copyOfRange(testBlobB.content(), cut, size);
    testBlobBChunk1Range = "0-" + (testBlobBChunk1.length - 1);
    testBlobBChunk2Range = testBlobBChunk1.length + "-" + (size - 1);
  }

  private TestBlob referrer(
      String artifactType,
      Map<String, Object> config,
      List<Object> layers,
      Map<String, Object> subject,
      String annotation) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", OCI_MANIFEST);
    if (artifactType != null) {
      manifest.put("artifactType", artifactType);
    }
    manifest.put("config", config);
    manifest.put("layers", layers);
    manifest.put("subject", subject);
    if (annotation != null) {
      manifest.put("annotations", annotations(annotation));
    }
    TestBlob blob = TestBlob.of(GoJson.marshalIndent(manifest));
    if (annotation != null) {
      testAnnotationValues.put(blob.digest(), annotation);
    }
    return blob;
  }

  private static Map<String, Object> annotations(String value) {
    return new TreeMap<>(Map.of(ANNOTATION_KEY, value));
  }

  /** The image config descriptor: inline data and a field the image-spec does not know. */
  private static Map<String, Object> configDescriptor(TestBlob config) {
    return descriptor(
        OCI_CONFIG, config, null, config.content(), "hello world".getBytes(StandardCharsets.UTF_8));
  }

  /** A descriptor with image.go's field order; {@code newUnspecifiedField} is never omitted. */
  static Map<String, Object> descriptor(
      String mediaType,
      TestBlob target,
      Map<String, String> annotations,
      byte[] data,
      byte[] newUnspecifiedField) {
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", target.digest());
    descriptor.put("size", target.size());
    if (annotations != null && !annotations.isEmpty()) {
      descriptor.put("annotations", new TreeMap<>(annotations));
    }
    if (data != null && data.length > 0) {
      descriptor.put("data", Base64.getEncoder().encodeToString(data));
    }
    descriptor.put(
        "newUnspecifiedField",
        newUnspecifiedField == null
            ? null
            : Base64.getEncoder().encodeToString(newUnspecifiedField));
    return descriptor;
  }

  static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static String randomString(int length) {
    String letters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-";
    SecureRandom random = new SecureRandom();
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(letters.charAt(random.nextInt(letters.length())));
    }
    return out.toString();
  }

  /**
   * A small gzipped tarball holding one text file, the kind of layer the suite pushes (it embeds
   * such a tarball as base64).
   */
  private static byte[] layerTarGz() {
    byte[] file =
        "you found the conformance layer's only file\n".getBytes(StandardCharsets.US_ASCII);
    byte[] header = new byte[512];
    putAscii(header, 0, "test.txt");
    putAscii(header, 100, "0000644\0");
    putAscii(header, 108, "0001750\0");
    putAscii(header, 116, "0001750\0");
    putAscii(header, 124, String.format("%011o\0", file.length));
    putAscii(header, 136, String.format("%011o\0", 1_600_000_000L));
    putAscii(header, 148, "        ");
    header[156] = '0';
    putAscii(header, 257, "ustar\0" + "00");
    int checksum = 0;
    for (byte b : header) {
      checksum += b & 0xff;
    }
    putAscii(header, 148, String.format("%06o\0 ", checksum));
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(header);
    tar.writeBytes(file);
    tar.writeBytes(new byte[512 - file.length % 512]);
    tar.writeBytes(new byte[1024]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return gz.toByteArray();
  }

  private static void putAscii(byte[] target, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, target, offset, bytes.length);
  }

  /** Go's {@code json.MarshalIndent(v, "", "\t")} for maps, lists, strings, numbers and null. */
  static final class GoJson {
    private GoJson() {}

    static byte[] marshalIndent(Object value) {
      StringBuilder out = new StringBuilder();
      write(out, value, 0);
      return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(StringBuilder out, Object value, int depth) {
      if (value == null) {
        out.append("null");
      } else if (value instanceof String text) {
        string(out, text);
      } else if (value instanceof Number || value instanceof Boolean) {
        out.append(value);
      } else if (value instanceof Map<?, ?> map) {
        if (map.isEmpty()) {
          out.append("{}");
          return;
        }
        out.append("{\n");
        int i = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          indent(out, depth + 1);
          string(out, (String) entry.getKey());
          out.append(": ");
          write(out, entry.getValue(), depth + 1);
          out.append(++i < map.size() ? ",\n" : "\n");
        }
        indent(out, depth);
        out.append('}');
      } else if (value instanceof List<?> list) {
        if (list.isEmpty()) {
          out.append("[]");
          return;
        }
        out.append("[\n");
        for (int i = 0; i < list.size(); i++) {
          indent(out, depth + 1);
          write(out, list.get(i), depth + 1);
          out.append(i + 1 < list.size() ? ",\n" : "\n");
        }
        indent(out, depth);
        out.append(']');
      } else {
        throw new IllegalArgumentException("cannot write " + value.getClass());
      }
    }

    private static void indent(StringBuilder out, int depth) {
      out.append("\t".repeat(depth));
    }

    /** Go escapes HTML-significant characters and the JavaScript line separators as well. */
    private static void string(StringBuilder out, String text) {
      out.append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
    }
  }
}
