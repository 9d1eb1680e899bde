package dev.ociregistry.servlet;

import static dev.ociregistry.servlet.testing.Responses.describe;
import static dev.ociregistry.testkit.Artifacts.OCI_CONFIG;
import static dev.ociregistry.testkit.Artifacts.OCI_INDEX;
import static dev.ociregistry.testkit.Artifacts.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.servlet.testing.RegistryTestBase;
import dev.ociregistry.servlet.testing.Responses;
import dev.ociregistry.servlet.testing.SlowUpload;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requirements of the OCI distribution-spec v1.1 that the other tests of this module leave
 * unpinned, one test each, found by the audit in {@code docs/design/spec-coverage.md}. Each test
 * quotes the section it checks.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md">OCI
 *     distribution-spec v1.1</a>
 */
class SpecRequirementsTest extends RegistryTestBase {
  /** The {@code code} values the spec's error code table allows (code-1 to code-14). */
  private static final Set<String> SPEC_ERROR_CODES =
      Set.of(
          "BLOB_UNKNOWN",
          "BLOB_UPLOAD_INVALID",
          "BLOB_UPLOAD_UNKNOWN",
          "DIGEST_INVALID",
          "MANIFEST_BLOB_UNKNOWN",
          "MANIFEST_INVALID",
          "MANIFEST_UNKNOWN",
          "NAME_INVALID",
          "NAME_UNKNOWN",
          "SIZE_INVALID",
          "UNAUTHORIZED",
          "DENIED",
          "UNSUPPORTED",
          "TOOMANYREQUESTS");

  private static final ObjectMapper JSON = new ObjectMapper();

  // spec.md "Pushing Manifests": the digest header "MUST be equal to the client provided digest"
  @Test
  void manifestPushedBySha512DigestIsAnsweredAndServedUnderThatSha512Digest() throws Exception {
    Manifest image = Artifacts.image("sha512");
    for (Blob blob : image.blobs()) {
      pusher.blob("spec/sha512", blob);
    }
    byte[] body = image.content();
    Digest sha512 = Digest.of(DigestAlgorithm.SHA512, body);

    TestHttp.Response pushed = http.put("/v2/spec/sha512/manifests/" + sha512, OCI_MANIFEST, body);
    TestHttp.Response pulled = http.get("/v2/spec/sha512/manifests/" + sha512);
    TestHttp.Response head = http.head("/v2/spec/sha512/manifests/" + sha512);

    assertThat(pushed.status()).as(describe(pushed)).isEqualTo(201);
    assertThat(pushed.header("Docker-Content-Digest")).hasValue(sha512.toString());
    assertThat(pushed.header("Location")).hasValue("/v2/spec/sha512/manifests/" + sha512);
    assertThat(pulled.status()).as(describe(pulled)).isEqualTo(200);
    assertThat(pulled.body()).isEqualTo(body);
    assertThat(pulled.header("Docker-Content-Digest")).hasValue(sha512.toString());
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Docker-Content-Digest")).hasValue(sha512.toString());
  }

  // spec.md "Pulling manifests": "<name> MUST match the following regular expression"
  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "0",
        "a.b",
        "a_b",
        "a__b",
        "a-b",
        "a---b",
        "a1.b2_c3__d4-e5---f6",
        "x/y/z/w",
        "org.example/team_a/app--b"
      })
  void everyNameTheGrammarAllowsCanBePushedPulledAndListed(String name) throws Exception {
    Manifest image = pusher.image(name, "v1", Artifacts.image(name));

    TestHttp.Response byTag = http.get("/v2/" + name + "/manifests/v1");
    TestHttp.Response tags = http.get("/v2/" + name + "/tags/list");

    assertThat(byTag.status()).as(describe(byTag)).isEqualTo(200);
    assertThat(byTag.body()).isEqualTo(image.content());
    assertThat(tags.status()).as(describe(tags)).isEqualTo(200);
    assertThat(tags.json().get("name").asText()).isEqualTo(name);
  }

  // spec.md "Pulling manifests": a tag "MUST match" [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
  @ParameterizedTest
  @ValueSource(strings = {"_", "_leading-underscore", "UPPER.lower-1_2", "0", "a..b", "v1.-_x"})
  void everyTagTheGrammarAllowsCanBePushedPulledAndListed(String tag) throws Exception {
    Manifest image = pusher.image("spec/tags", tag, Artifacts.image(tag));

    TestHttp.Response byTag = http.get("/v2/spec/tags/manifests/" + tag);
    TestHttp.Response tags = http.get("/v2/spec/tags/tags/list");

    assertThat(byTag.status()).as(describe(byTag)).isEqualTo(200);
    assertThat(byTag.body()).isEqualTo(image.content());
    assertThat(tags.json().get("tags").toString()).isEqualTo("[\"" + tag + "\"]");
  }

  // spec.md "Listing Tags": with n and last, "the tags MUST be in lexical order"
  @Test
  void pagesOfTagsKeepCaseInsensitiveOrderAcrossNLastAndLink() throws Exception {
    Manifest image = pusher.image("spec/paged", "b", Artifacts.image("paged"));
    for (String tag : List.of("A", "a2", "C", "d")) {
      pusher.manifest("spec/paged", tag, image);
    }

    List<List<String>> pages = new ArrayList<>();
    String next = "/v2/spec/paged/tags/list?n=2";
    while (next != null && pages.size() < 5) {
      TestHttp.Response page = http.get(next);
      pages.add(tags(page));
      next = Responses.nextLink(page);
    }
    TestHttp.Response afterA2 = http.get("/v2/spec/paged/tags/list?last=a2");
    TestHttp.Response twoAfterA2 = http.get("/v2/spec/paged/tags/list?n=2&last=a2");

    assertThat(pages).containsExactly(List.of("A", "a2"), List.of("b", "C"), List.of("d"));
    assertThat(tags(afterA2)).containsExactly("b", "C", "d");
    assertThat(tags(twoAfterA2)).containsExactly("b", "C");
  }

  // spec.md "Listing Referrers": Link "MUST be included" when the list "cannot be returned" in one
  @Test
  void manyReferrersAreAllReturnedInOneResponseSoNoLinkIsNeeded() throws Exception {
    Manifest subject = pusher.image("spec/referrers", "v1", Artifacts.image("subject"));
    Blob empty = pusher.blob("spec/referrers", Artifacts.EMPTY_CONFIG);
    List<String> pushed = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pushed.add(
          artifact("spec/referrers", subject, empty, "application/vnd.example.n" + i, Map.of())
              .digest());
    }

    TestHttp.Response response = http.get("/v2/spec/referrers/referrers/" + subject.digest());

    assertThat(response.status()).as(describe(response)).isEqualTo(200);
    assertThat(response.header("Link")).isEmpty();
    List<String> listed = new ArrayList<>();
    response.json().get("manifests").forEach(d -> listed.add(d.get("digest").asText()));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(pushed);
  }

  // spec.md "Enabling the Referrers API": "MUST include preexisting image manifests … tag schema"
  @Test
  void manifestAlsoListedUnderTheReferrersTagSchemaIsReportedOnceByTheReferrersApi()
      throws Exception {
    Manifest subject = pusher.image("spec/tagschema", "v1", Artifacts.image("subject"));
    Blob empty = pusher.blob("spec/tagschema", Artifacts.EMPTY_CONFIG);
    String sbomType = "application/vnd.example.sbom.v1";
    Manifest sbom =
        artifact("spec/tagschema", subject, empty, sbomType, Map.of("org.example.k", "v"));
    // What a client that found no referrers API pushes: an index under <alg>-<ref>.
    Map<String, Object> descriptor = sbom.descriptor();
    descriptor.put("artifactType", sbomType);
    descriptor.put("annotations", Map.of("org.example.k", "v"));
    Map<String, Object> fallback = new LinkedHashMap<>();
    fallback.put("schemaVersion", 2);
    fallback.put("mediaType", OCI_INDEX);
    fallback.put("manifests", List.of(descriptor));
    Digest subjectDigest = Digest.parse(subject.digest());
    String schemaTag = subjectDigest.algorithm().id() + "-" + subjectDigest.hex();
    pusher.manifest(
        "spec/tagschema", schemaTag, Artifacts.manifest(OCI_INDEX, Artifacts.bytes(fallback)));

    TestHttp.Response response = http.get("/v2/spec/tagschema/referrers/" + subject.digest());

    assertThat(response.status()).as(describe(response)).isEqualTo(200);
    JsonNode manifests = response.json().get("manifests");
    assertThat(manifests).hasSize(1);
    assertThat(manifests.get(0).get("digest").asText()).isEqualTo(sbom.digest());
    assertThat(manifests.get(0).get("artifactType").asText()).isEqualTo(sbomType);
    assertThat(manifests.get(0).get("annotations").get("org.example.k").asText()).isEqualTo("v");
  }

  // spec.md "Error Codes": code "MUST be … only uppercase alphabetic characters and underscores"
  @Test
  void everyErrorCodeIsUppercaseLettersAndUnderscores() throws Exception {
    Map<String, String> codes = errorCodesOfFailingRequests();

    assertThat(codes).isNotEmpty();
    assertThat(codes)
        .allSatisfy((request, code) -> assertThat(code).as(request).matches("[A-Z_]+"));
  }

  // spec.md "Error Codes": "The code field MUST be one of the following" (code-1 to code-14)
  @Test
  void everyErrorCodeIsOneOfTheFourteenCodesOfTheSpecsTable() throws Exception {
    Map<String, String> codes = errorCodesOfFailingRequests();

    List<String> outside = new ArrayList<>();
    codes.forEach(
        (request, code) -> {
          if (!SPEC_ERROR_CODES.contains(code)) {
            outside.add(request + " -> " + code);
          }
        });
    assertThat(outside).as("error codes outside the spec's table").isEmpty();
  }

  // spec.md "Error Codes": "If the response body is in JSON format, it MUST have the following…"
  @Test
  void uploadCutOffAtItsTimeLimitAnswersNoJsonOfAnotherShape() throws Exception {
    Duration uploadTimeout = Duration.ofMillis(300);
    start(ServletOptions.defaults().withUploadTimeout(uploadTimeout));
    String location = pusher.startUpload("spec/slow");

    RawHttp.Response response =
        SlowUpload.patch(
                server.base(),
                location,
                "Accept: application/json\r\n",
                Artifacts.content(6000, 9),
                uploadTimeout.multipliedBy(2))
            .response();

    assertThat(response.status()).as(response.toString()).isBetween(400, 499);
    assertJsonBodyIsASpecErrorBody(response);
  }

  // spec.md "Error Codes": "If the response body is in JSON format, it MUST have the following…"
  @Test
  void requestTheContainerRefusesAnswersNoJsonOfAnotherShape() throws Exception {
    RawHttp.Response response =
        RawHttp.exchange(
            server.base(),
            "GET /v2/spec/x/tags/list HTTP/1.1\r\nAccept: application/json\r\n"
                + "Content-Length: abc\r\n",
            new byte[0]);

    assertThat(response.status()).as(response.toString()).isBetween(400, 499);
    assertJsonBodyIsASpecErrorBody(response);
  }

  // spec.md "Warnings": Warning headers "MUST specify a warn-code of 299", "MUST NOT send" > 4096 B
  @Test
  void responsesCarryNoWarningHeaders() throws Exception {
    Manifest image = pusher.image("spec/warn", "v1", Artifacts.image("warn"));
    String upload = pusher.startUpload("spec/warn");
    List<TestHttp.Response> responses = new ArrayList<>();
    responses.add(http.get("/v2/"));
    responses.add(http.get("/v2/spec/warn/manifests/v1"));
    responses.add(http.head("/v2/spec/warn/manifests/" + image.digest()));
    responses.add(http.get("/v2/spec/warn/tags/list"));
    responses.add(http.get("/v2/spec/warn/referrers/" + image.digest()));
    responses.add(http.get(upload));
    responses.add(http.patch(upload, "0-2", new byte[3]));
    responses.add(http.get("/v2/spec/warn/manifests/missing"));
    responses.add(http.get("/v2/no/such/endpoint"));
    responses.add(http.delete("/v2/spec/warn/manifests/v1"));

    assertThat(responses)
        .allSatisfy(
            response ->
                assertThat(response.headerValues("Warning")).as(describe(response)).isEmpty());
  }

  /**
   * Sends requests that fail in every way the API knows and returns the {@code code} of each error
   * body, keyed by the request.
   */
  private Map<String, String> errorCodesOfFailingRequests() throws Exception {
    Manifest image = pusher.image("spec/errors", "v1", Artifacts.image("errors"));
    Blob blob = pusher.blob("spec/errors", Artifacts.layer("a blob"));
    String unknown = Digests.sha256("never pushed".getBytes(StandardCharsets.UTF_8));
    String upload = pusher.startUpload("spec/errors");
    Map<String, TestHttp.Response> responses = new LinkedHashMap<>();
    responses.put("GET unknown blob", http.get("/v2/spec/errors/blobs/" + unknown));
    responses.put("GET malformed digest", http.get("/v2/spec/errors/blobs/sha256:abc"));
    responses.put("GET invalid name", http.get("/v2/Spec/blobs/" + unknown));
    responses.put("GET unknown manifest", http.get("/v2/spec/errors/manifests/missing"));
    responses.put("GET tags of unknown repository", http.get("/v2/spec/none/tags/list"));
    responses.put("GET tags with n=abc", http.get("/v2/spec/errors/tags/list?n=abc"));
    responses.put("GET tags with n=-1", http.get("/v2/spec/errors/tags/list?n=-1"));
    responses.put("GET tags with last=%ff", http.get("/v2/spec/errors/tags/list?last=%ff"));
    responses.put(
        "GET referrers with artifactType=%ff",
        http.get("/v2/spec/errors/referrers/" + image.digest() + "?artifactType=%ff"));
    responses.put("GET referrers of a tag", http.get("/v2/spec/errors/referrers/v1"));
    responses.put("GET unknown endpoint", http.get("/v2/spec/errors/nothing"));
    responses.put("POST /v2/", http.post("/v2/", new byte[0]));
    responses.put(
        "GET unsatisfiable range",
        http.send(
            http.request("/v2/spec/errors/blobs/" + blob.digest())
                .header("Range", "bytes=100-")
                .GET()));
    responses.put(
        "PUT invalid manifest",
        http.put("/v2/spec/errors/manifests/v2", OCI_MANIFEST, "{".getBytes()));
    responses.put(
        "PUT manifest with unknown blob",
        http.put(
            "/v2/spec/errors/manifests/v2",
            OCI_MANIFEST,
            Artifacts.image()
                .config(Artifacts.blob(OCI_CONFIG, blob.content()))
                .layer(Artifacts.layer("never pushed"))
                .build()
                .content()));
    responses.put(
        "PUT manifest too large",
        http.put("/v2/spec/errors/manifests/v2", OCI_MANIFEST, new byte[4 * 1024 * 1024 + 1]));
    responses.put(
        "PUT invalid tag", http.put("/v2/spec/errors/manifests/-x", OCI_MANIFEST, image.content()));
    responses.put(
        "POST blob with wrong digest",
        http.post("/v2/spec/errors/blobs/uploads/?digest=" + unknown, "other".getBytes()));
    responses.put(
        "GET unknown upload",
        http.get(
            "/v2/spec/errors/blobs/uploads/"
                + Digests.sha256Hex("never pushed".getBytes(StandardCharsets.UTF_8))));
    responses.put("PATCH out of order", http.patch(upload, "5-9", new byte[5]));
    responses.put("PATCH malformed Content-Range", http.patch(upload, "abc", new byte[5]));
    responses.put("PATCH length disagrees", http.patch(upload, "0-9", new byte[5]));
    responses.put("PUT upload without digest", http.put(upload, null, new byte[0]));
    responses.put(
        "POST mount from invalid name",
        http.post(
            "/v2/spec/errors/blobs/uploads/?mount=" + blob.digest() + "&from=A", new byte[0]));
    responses.put("DELETE unknown blob", http.delete("/v2/spec/errors/blobs/" + unknown));
    responses.put("DELETE unknown tag", http.delete("/v2/spec/errors/manifests/nope"));

    Map<String, String> codes = new LinkedHashMap<>();
    for (Map.Entry<String, TestHttp.Response> entry : responses.entrySet()) {
      TestHttp.Response response = entry.getValue();
      assertThat(response.status())
          .as(entry.getKey() + ": " + describe(response))
          .isBetween(400, 499);
      codes.put(
          entry.getKey() + " (" + response.status() + ")",
          Responses.error(response).get("code").asText());
    }
    return codes;
  }

  /** An artifact manifest pushed by digest: empty config, no layers, {@code subject} set. */
  private Manifest artifact(
      String repository,
      Manifest subject,
      Blob empty,
      String artifactType,
      Map<String, String> annotations)
      throws Exception {
    Artifacts.ManifestBuilder artifact =
        Artifacts.image().artifactType(artifactType).config(empty).layer(empty).subject(subject);
    annotations.forEach(artifact::annotation);
    Manifest built = artifact.build();
    return pusher.manifest(repository, built.digest(), built);
  }

  private static List<String> tags(TestHttp.Response response) throws IOException {
    assertThat(response.status()).as(describe(response)).isEqualTo(200);
    List<String> tags = new ArrayList<>();
    response.json().get("tags").forEach(tag -> tags.add(tag.asText()));
    return tags;
  }

  /**
   * When the body of a response is JSON (by its {@code Content-Type}, or because it parses as a
   * JSON object), it must be {@code {"errors":[{"code":...,"message":...}, ...]}}.
   */
  private static void assertJsonBodyIsASpecErrorBody(RawHttp.Response response) {
    String type = response.header("content-type").orElse("").toLowerCase(Locale.ROOT);
    JsonNode body = null;
    try {
      body = JSON.readTree(response.content());
    } catch (IOException e) {
      // not JSON: any format is allowed
    }
    boolean json = type.contains("json") || (body != null && body.isObject());
    if (!json) {
      return;
    }
    assertThat(body).as("a JSON error body: %s", response).isNotNull();
    assertThat(Responses.fieldNames(body)).as(response.toString()).containsExactly("errors");
    assertThat(body.get("errors").isArray()).as(response.toString()).isTrue();
    for (JsonNode entry : body.get("errors")) {
      assertThat(entry.path("code").asText()).as(response.toString()).matches("[A-Z_]+");
    }
  }
}
