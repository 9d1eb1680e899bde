package dev.ociregistry.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.interop.testing.InteropServer;
import dev.ociregistry.interop.testing.SampleImage;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Commands;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.Skopeo;
import dev.ociregistry.testkit.TestHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skopeo} (containers/image) against our registry over plain HTTP: copies an OCI Image
 * Layout in and back out with {@code --preserve-digests}, inspects, lists tags and deletes by
 * digest. The source layout is a second registry root, written through the core's API: our storage
 * root is an OCI Image Layout, and skopeo reads it as one.
 */
class SkopeoInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path storage;
  static InteropServer server;
  static Skopeo skopeo;
  static SampleImage image;
  static Path source;

  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    skopeo = Skopeo.require(storage.resolve("skopeo-home"));
    server = InteropServer.start(storage.resolve("registry"));
    image = SampleImage.of("skopeo");
    source = storage.resolve("source-layout");
    image.storeIn(source, "os/rootfs", "22.04");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void skopeoCopiesOciLayoutIntoRegistryAndInspectsItWithTheSameDigests() throws Exception {
    copyIn("interop/skopeo:1");

    TestHttp.Response manifest = server.reads().manifest("interop/skopeo", "1");
    assertThat(manifest.header("Docker-Content-Digest")).contains(image.manifest().digest());
    assertThat(manifest.header("Content-Type")).contains(Artifacts.OCI_MANIFEST);
    assertThat(manifest.body()).isEqualTo(image.manifest().content());
    assertThat(
            server.reads().blob("interop/skopeo", image.config().digest(), image.config().size()))
        .isEqualTo(image.config().content());
    assertThat(server.reads().blob("interop/skopeo", image.layer().digest(), image.layer().size()))
        .isEqualTo(image.layer().content());

    JsonNode inspected =
        skopeo.run("inspect", "--tls-verify=false", docker("interop/skopeo:1")).json();
    assertThat(inspected.path("Digest").asText()).isEqualTo(image.manifest().digest());
    assertThat(texts(inspected.path("Layers"))).isEqualTo(image.layerDigests());
    assertThat(inspected.path("Labels").path("interop").asText()).isEqualTo("skopeo");
    assertThat(inspected.path("Os").asText()).isEqualTo("linux");
    assertThat(texts(inspected.path("RepoTags"))).containsExactly("1");

    String raw =
        skopeo.run("inspect", "--raw", "--tls-verify=false", docker("interop/skopeo:1")).stdout();
    assertThat(Digests.sha256(raw.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(image.manifest().digest());
    String config =
        skopeo
            .run("inspect", "--config", "--raw", "--tls-verify=false", docker("interop/skopeo:1"))
            .stdout();
    assertThat(Digests.sha256(config.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(image.config().digest());
  }

  @Test
  void skopeoListsTheTagsOfARepository() throws Exception {
    copyIn("interop/skopeo-tags:1");
    copyIn("interop/skopeo-tags:2");
    copyIn("interop/skopeo-tags:latest");

    JsonNode listed =
        skopeo.run("list-tags", "--tls-verify=false", docker("interop/skopeo-tags")).json();

    assertThat(listed.path("Repository").asText()).isEqualTo(server.image("interop/skopeo-tags"));
    assertThat(texts(listed.path("Tags"))).containsExactly("1", "2", "latest");
  }

  @Test
  void skopeoCopiesTheImageBackIntoANewOciLayoutWithTheSameDigests() throws Exception {
    copyIn("interop/skopeo-back:1");
    Path copy = work.resolve("copy-layout");

    skopeo.run(
        "copy",
        "--preserve-digests",
        "--src-tls-verify=false",
        docker("interop/skopeo-back:1"),
        "oci:" + copy + ":copy");

    JsonNode index = JSON.readTree(copy.resolve("index.json").toFile());
    assertThat(index.path("manifests")).hasSize(1);
    JsonNode descriptor = index.path("manifests").get(0);
    assertThat(descriptor.path("digest").asText()).isEqualTo(image.manifest().digest());
    assertThat(descriptor.path("mediaType").asText()).isEqualTo(Artifacts.OCI_MANIFEST);
    assertThat(descriptor.path("size").asLong()).isEqualTo(image.manifest().size());
    assertThat(descriptor.path("annotations").path("org.opencontainers.image.ref.name").asText())
        .isEqualTo("copy");
    for (String digest :
        List.of(image.manifest().digest(), image.config().digest(), image.layer().digest())) {
      Path blob = copy.resolve("blobs/sha256").resolve(Digests.hex(digest));
      assertThat(blob).as("blob %s in the copied layout", digest).isRegularFile();
      assertThat(Digests.sha256(blob)).isEqualTo(digest);
    }
    assertThat(
            Files.readAllBytes(
                copy.resolve("blobs/sha256").resolve(Digests.hex(image.layer().digest()))))
        .isEqualTo(image.layer().content());
  }

  @Test
  void skopeoDeletesTheManifestByDigestAndTheRegistryAnswers404() throws Exception {
    copyIn("interop/skopeo-delete:1");
    String byDigest = "interop/skopeo-delete@" + image.manifest().digest();

    skopeo.run("delete", "--tls-verify=false", docker(byDigest));

    TestHttp.Response gone =
        server.reads().getManifest("interop/skopeo-delete", image.manifest().digest());
    assertThat(gone.status()).as("%s", gone).isEqualTo(404);
    assertThat(gone.errorCode()).isEqualTo("MANIFEST_UNKNOWN");
    TestHttp.Response tagGone = server.reads().getManifest("interop/skopeo-delete", "1");
    assertThat(tagGone.status()).as("the tag went with its manifest: %s", tagGone).isEqualTo(404);
    Commands.Result inspect =
        skopeo.runAllowingFailure("inspect", "--tls-verify=false", docker(byDigest));
    assertThat(inspect.exitCode()).as("%s", inspect).isNotZero();
    assertThat(inspect.stderr()).as("%s", inspect).containsIgnoringCase("manifest unknown");
  }

  private void copyIn(String repositoryAndTag) throws Exception {
    skopeo.run(
        "copy",
        "--preserve-digests",
        "--dest-tls-verify=false",
        "oci:" + source + ":os/rootfs:22.04",
        docker(repositoryAndTag));
  }

  private static String docker(String repositoryAndReference) {
    return "docker://" + server.image(repositoryAndReference);
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
