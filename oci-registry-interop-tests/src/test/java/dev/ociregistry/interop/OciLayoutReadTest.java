package dev.ociregistry.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import dev.ociregistry.interop.testing.InteropServer;
import dev.ociregistry.interop.testing.JibLog;
import dev.ociregistry.interop.testing.RegistryReads;
import dev.ociregistry.interop.testing.SampleImage;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.Skopeo;
import dev.ociregistry.testkit.TestHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import land.oras.ArtifactType;
import land.oras.ContainerRef;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage root our server writes while real clients push to it is an OCI Image Layout that
 * {@code skopeo} reads directly ({@code oci:<root>:<repository>:<tag>}): skopeo's oci transport
 * splits the reference at the first colon after the directory, so the ref name {@code
 * <repository>:<tag>} that our {@code index.json} carries is found as it is.
 */
class OciLayoutReadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REF_NAME = "org.opencontainers.image.ref.name";

  @TempDir static Path storage;
  static InteropServer server;
  static Skopeo skopeo;
  static SampleImage image;
  static final Map<ImageFormat, String> jibDigests = new EnumMap<>(ImageFormat.class);
  static String artifactDigest;

  @BeforeAll
  static void pushWithEveryClient() throws Exception {
    skopeo = Skopeo.require(storage.resolve("skopeo-home"));
    server = InteropServer.start(storage.resolve("registry"));

    image = SampleImage.of("layout");
    Path source = storage.resolve("source-layout");
    image.storeIn(source, "os/rootfs", "22.04");
    skopeo.run(
        "copy",
        "--preserve-digests",
        "--dest-tls-verify=false",
        "oci:" + source + ":os/rootfs:22.04",
        "docker://" + server.image("os/rootfs:22.04"));

    Path hello = Files.writeString(storage.resolve("hello.txt"), "hello from the layout test");
    for (ImageFormat format : ImageFormat.values()) {
      JibContainer jib =
          Jib.fromScratch()
              .addFileEntriesLayer(
                  FileEntriesLayer.builder()
                      .addEntry(hello, AbsoluteUnixPath.get("/hello.txt"))
                      .build())
              .setFormat(format)
              .containerize(
                  Containerizer.to(
                          RegistryImage.named(
                              server.image("apps/jib:" + format.name().toLowerCase())))
                      .setAllowInsecureRegistries(true)
                      .setBaseImageLayersCache(storage.resolve("jib-cache/base"))
                      .setApplicationLayersCache(storage.resolve("jib-cache/app"))
                      .addEventHandler(LogEvent.class, new JibLog()));
      jibDigests.put(format, jib.getDigest().toString());
    }

    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      Registry oras = Registry.builder().insecure().withExecutorService(executor).build();
      Path file = Files.writeString(storage.resolve("notes.txt"), "an artifact, not an image");
      Manifest artifact =
          oras.pushArtifact(
              ContainerRef.parse(server.image("artifacts/notes:v1")),
              ArtifactType.from("application/vnd.shoal.notes.v1"),
              LocalPath.of(file, "text/plain"));
      artifactDigest = artifact.getDescriptor().getDigest();
    } finally {
      executor.shutdownNow();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void indexJsonNamesEveryTagAsRepositoryColonTagWithTheDigestTheRegistryServes() throws Exception {
    Path root = server.root();
    assertThat(
            JSON.readTree(root.resolve("oci-layout").toFile()).path("imageLayoutVersion").asText())
        .isEqualTo("1.0.0");
    JsonNode index = JSON.readTree(root.resolve("index.json").toFile());
    assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);

    Map<String, JsonNode> byRefName = new HashMap<>();
    for (JsonNode descriptor : index.path("manifests")) {
      byRefName.put(descriptor.path("annotations").path(REF_NAME).asText(), descriptor);
    }
    assertThat(byRefName)
        .containsOnlyKeys(
            "os/rootfs:22.04", "apps/jib:oci", "apps/jib:docker", "artifacts/notes:v1");
    for (Map.Entry<String, JsonNode> entry : byRefName.entrySet()) {
      String repository = entry.getKey().substring(0, entry.getKey().indexOf(':'));
      String tag = entry.getKey().substring(entry.getKey().indexOf(':') + 1);
      JsonNode descriptor = entry.getValue();
      TestHttp.Response served = server.reads().manifest(repository, tag);
      assertThat(descriptor.path("digest").asText())
          .as("index.json digest of %s", entry.getKey())
          .isEqualTo(served.header("Docker-Content-Digest").orElseThrow());
      assertThat(descriptor.path("mediaType").asText())
          .isEqualTo(served.header("Content-Type").orElseThrow());
      assertThat(descriptor.path("size").asLong()).isEqualTo(served.body().length);
      Path blob =
          root.resolve("blobs/sha256").resolve(Digests.hex(descriptor.path("digest").asText()));
      assertThat(Files.readAllBytes(blob)).isEqualTo(served.body());
    }
    assertThat(byRefName.get("os/rootfs:22.04").path("digest").asText())
        .isEqualTo(image.manifest().digest());
    assertThat(byRefName.get("apps/jib:oci").path("digest").asText())
        .isEqualTo(jibDigests.get(ImageFormat.OCI));
    assertThat(byRefName.get("apps/jib:docker").path("digest").asText())
        .isEqualTo(jibDigests.get(ImageFormat.Docker));
    assertThat(byRefName.get("apps/jib:docker").path("mediaType").asText())
        .isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
    assertThat(byRefName.get("artifacts/notes:v1").path("digest").asText())
        .isEqualTo(artifactDigest);
  }

  @Test
  void skopeoInspectsAnOciImageStraightFromTheStorageRoot() throws Exception {
    JsonNode inspected = skopeo.run("inspect", layout("os/rootfs:22.04")).json();

    assertThat(inspected.path("Digest").asText()).isEqualTo(image.manifest().digest());
    assertThat(texts(inspected.path("Layers"))).isEqualTo(image.layerDigests());
    assertThat(inspected.path("Labels").path("interop").asText()).isEqualTo("layout");
    String raw = skopeo.run("inspect", "--raw", layout("os/rootfs:22.04")).stdout();
    assertThat(raw.getBytes(StandardCharsets.UTF_8)).isEqualTo(image.manifest().content());
  }

  /**
   * An OCI-format image only: containers/image's {@code oci:} transport (skopeo 1.9.3, Debian 12)
   * looks a name up among the {@code index.json} entries whose media type is an OCI manifest and
   * skips the rest, so a Docker schema 2 manifest (Jib's default format), which {@code index.json}
   * lists correctly as the previous test shows, cannot be named through {@code oci:} even though
   * the layout is valid.
   */
  @Test
  void skopeoInspectsAnImageJibPushedStraightFromTheStorageRoot() throws Exception {
    JsonNode inspected = skopeo.run("inspect", layout("apps/jib:oci")).json();

    assertThat(inspected.path("Digest").asText()).isEqualTo(jibDigests.get(ImageFormat.OCI));
    JsonNode served = server.reads().manifest("apps/jib", "oci").json();
    assertThat(texts(inspected.path("Layers")))
        .isEqualTo(RegistryReads.digests(served.path("layers")));
    String raw = skopeo.run("inspect", "--raw", layout("apps/jib:oci")).stdout();
    assertThat(Digests.sha256(raw.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(jibDigests.get(ImageFormat.OCI));
  }

  @Test
  void skopeoReadsAnOrasArtifactStraightFromTheStorageRoot() throws Exception {
    String raw = skopeo.run("inspect", "--raw", layout("artifacts/notes:v1")).stdout();

    assertThat(Digests.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(artifactDigest);
    assertThat(JSON.readTree(raw).path("artifactType").asText())
        .isEqualTo("application/vnd.shoal.notes.v1");
  }

  @Test
  void skopeoCopiesAnImageOutOfTheStorageRootIntoAnotherLayout() throws Exception {
    Path out = storage.resolve("out-layout");

    skopeo.run("copy", "--preserve-digests", layout("os/rootfs:22.04"), "oci:" + out + ":exported");

    JsonNode descriptor =
        JSON.readTree(out.resolve("index.json").toFile()).path("manifests").get(0);
    assertThat(descriptor.path("digest").asText()).isEqualTo(image.manifest().digest());
    assertThat(
            Files.readAllBytes(
                out.resolve("blobs/sha256").resolve(Digests.hex(image.layer().digest()))))
        .isEqualTo(image.layer().content());
  }

  private static String layout(String repositoryAndTag) {
    return "oci:" + server.root() + ":" + repositoryAndTag;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
