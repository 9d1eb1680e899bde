package dev.ociregistry.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.interop.testing.InteropServer;
import dev.ociregistry.interop.testing.Tars;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.Config;
import land.oras.ContainerRef;
import land.oras.Layer;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.ManifestDescriptor;
import land.oras.Referrers;
import land.oras.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * oras-java-sdk, in-process, over plain HTTP: an artifact with an {@code artifactType}, referrers
 * attached to it with {@code subject}, discovered through the referrers API (end-12a, end-12b) and
 * pulled back; every digest checked against the bytes and against what our registry serves.
 */
class OrasInteropTest {
  private static final String ROOTFS_TYPE = "application/vnd.shoal.rootfs.tar.gz";
  private static final String ROOTFS_LAYER_TYPE = Artifacts.OCI_LAYER_GZIP;
  private static final String SBOM_TYPE = "application/spdx+json";
  private static final String SIGNATURE_TYPE = "application/vnd.shoal.signature.v1+json";

  @TempDir static Path storage;
  static InteropServer server;
  static ExecutorService executor;
  static Registry oras;

  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    server = InteropServer.start(storage.resolve("registry"));
    executor = Executors.newFixedThreadPool(2);
    oras = Registry.builder().insecure().withExecutorService(executor).build();
  }

  @AfterAll
  static void stop() throws Exception {
    executor.shutdownNow();
    server.close();
  }

  @Test
  void orasPushesArtifactWithArtifactTypeAndPullsItBack() throws Exception {
    Path rootfs = Files.write(work.resolve("rootfs.tar.gz"), rootfs("22.04"));
    ContainerRef ref = ContainerRef.parse(server.image("os/rootfs:22.04"));

    Manifest pushed =
        oras.pushArtifact(
            ref,
            ArtifactType.from(ROOTFS_TYPE),
            Annotations.empty(),
            Config.empty(),
            LocalPath.of(rootfs, ROOTFS_LAYER_TYPE));

    String digest = pushed.getDescriptor().getDigest();
    TestHttp.Response served = server.reads().manifest("os/rootfs", "22.04");
    assertThat(served.header("Docker-Content-Digest")).contains(digest);
    assertThat(served.header("Content-Type")).contains(Artifacts.OCI_MANIFEST);
    assertThat(Digests.sha256(served.body())).isEqualTo(digest);
    JsonNode manifest = served.json();
    assertThat(manifest.path("artifactType").asText()).isEqualTo(ROOTFS_TYPE);
    assertThat(manifest.path("config").path("mediaType").asText()).isEqualTo(Artifacts.OCI_EMPTY);
    server.reads().blob("os/rootfs", manifest.path("config"));
    JsonNode layer = manifest.path("layers").get(0);
    assertThat(layer.path("mediaType").asText()).isEqualTo(ROOTFS_LAYER_TYPE);
    assertThat(layer.path("digest").asText()).isEqualTo(Digests.sha256(rootfs));
    assertThat(layer.path("annotations").path("org.opencontainers.image.title").asText())
        .isEqualTo("rootfs.tar.gz");
    assertThat(server.reads().blob("os/rootfs", layer.path("digest").asText(), Files.size(rootfs)))
        .isEqualTo(Files.readAllBytes(rootfs));

    Manifest fetched = oras.getManifest(ref);
    assertThat(fetched.getArtifactTypeAsString()).isEqualTo(ROOTFS_TYPE);
    assertThat(fetched.getDescriptor().getDigest()).isEqualTo(digest);
    assertThat(fetched.getLayers())
        .extracting(Layer::getDigest)
        .containsExactly(Digests.sha256(rootfs));

    Path pulled = Files.createDirectories(work.resolve("pulled"));
    oras.pullArtifact(ref, pulled, true);
    assertThat(pulled.resolve("rootfs.tar.gz")).hasSameBinaryContentAs(rootfs);
    assertThat(Digests.sha256(pulled.resolve("rootfs.tar.gz"))).isEqualTo(Digests.sha256(rootfs));
    assertThat(oras.getTags(ContainerRef.parse(server.image("os/rootfs"))).tags())
        .contains("22.04");
  }

  @Test
  void orasAttachesReferrersAndDiscoversThemThroughTheReferrersApi() throws Exception {
    Path rootfs = Files.write(work.resolve("rootfs.tar.gz"), rootfs("24.04"));
    ContainerRef ref = ContainerRef.parse(server.image("os/base:24.04"));
    Manifest subject =
        oras.pushArtifact(
            ref, ArtifactType.from(ROOTFS_TYPE), LocalPath.of(rootfs, ROOTFS_LAYER_TYPE));
    String subjectDigest = subject.getDescriptor().getDigest();
    long subjectSize = server.reads().manifest("os/base", subjectDigest).body().length;
    ContainerRef bySubjectDigest = ref.withDigest(subjectDigest);

    Path sbom =
        Files.writeString(
            work.resolve("sbom.spdx.json"), "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"base\"}");
    Manifest sbomManifest =
        oras.attachArtifact(
            bySubjectDigest, ArtifactType.from(SBOM_TYPE), LocalPath.of(sbom, SBOM_TYPE));
    Path signature =
        Files.writeString(work.resolve("signature.json"), "{\"signed\":\"" + subjectDigest + "\"}");
    Manifest signatureManifest =
        oras.attachArtifact(
            bySubjectDigest,
            ArtifactType.from(SIGNATURE_TYPE),
            LocalPath.of(signature, SIGNATURE_TYPE));
    String sbomDigest = sbomManifest.getDescriptor().getDigest();
    String signatureDigest = signatureManifest.getDescriptor().getDigest();

    // What our registry stored for the referrer: the bytes ORAS pushed, with the subject in them.
    TestHttp.Response sbomServed = server.reads().manifest("os/base", sbomDigest);
    assertThat(Digests.sha256(sbomServed.body())).isEqualTo(sbomDigest);
    assertThat(sbomServed.json().path("subject").path("digest").asText()).isEqualTo(subjectDigest);
    assertThat(sbomServed.json().path("subject").path("size").asLong()).isEqualTo(subjectSize);
    assertThat(sbomServed.json().path("artifactType").asText()).isEqualTo(SBOM_TYPE);

    Referrers all = oras.getReferrers(bySubjectDigest, null);
    assertThat(all.getMediaType()).isEqualTo(Artifacts.OCI_INDEX);
    assertThat(all.getManifests())
        .extracting(
            ManifestDescriptor::getDigest,
            ManifestDescriptor::getArtifactType,
            ManifestDescriptor::getMediaType)
        .containsExactlyInAnyOrder(
            tuple(sbomDigest, SBOM_TYPE, Artifacts.OCI_MANIFEST),
            tuple(signatureDigest, SIGNATURE_TYPE, Artifacts.OCI_MANIFEST));
    for (ManifestDescriptor descriptor : all.getManifests()) {
      assertThat(descriptor.getSize())
          .as("size of referrer %s", descriptor.getDigest())
          .isEqualTo(server.reads().manifest("os/base", descriptor.getDigest()).body().length);
    }

    Referrers sboms = oras.getReferrers(bySubjectDigest, ArtifactType.from(SBOM_TYPE));
    assertThat(sboms.getManifests())
        .extracting(ManifestDescriptor::getDigest)
        .containsExactly(sbomDigest);
    TestHttp.Response filtered =
        server
            .http()
            .get(
                "/v2/os/base/referrers/"
                    + subjectDigest
                    + "?artifactType="
                    + SBOM_TYPE.replace("+", "%2B"));
    assertThat(filtered.status()).isEqualTo(200);
    assertThat(filtered.header("Content-Type")).contains(Artifacts.OCI_INDEX);
    assertThat(filtered.header("OCI-Filters-Applied")).contains("artifactType");
    assertThat(
            oras.getReferrers(bySubjectDigest, ArtifactType.from("application/vnd.example.none"))
                .getManifests())
        .isEmpty();

    // Pull both: the subject and the referrer ORAS discovered, bytes and digests compared.
    Path pulledSubject = Files.createDirectories(work.resolve("subject"));
    oras.pullArtifact(bySubjectDigest, pulledSubject, true);
    assertThat(pulledSubject.resolve("rootfs.tar.gz")).hasSameBinaryContentAs(rootfs);
    Path pulledSbom = Files.createDirectories(work.resolve("sbom"));
    oras.pullArtifact(ref.withDigest(sboms.getManifests().get(0).getDigest()), pulledSbom, true);
    assertThat(pulledSbom.resolve("sbom.spdx.json")).hasSameBinaryContentAs(sbom);
    Manifest pulledSbomManifest = oras.getManifest(ref.withDigest(sbomDigest));
    assertThat(pulledSbomManifest.getSubject().getDigest()).isEqualTo(subjectDigest);
    Layer sbomLayer = pulledSbomManifest.getLayers().get(0);
    assertThat(sbomLayer.getDigest()).isEqualTo(Digests.sha256(sbom));
    assertThat(oras.getBlob(ref.withDigest(sbomLayer.getDigest())))
        .isEqualTo(Files.readAllBytes(sbom));
  }

  @Test
  void orasPushesBlobInChunksAndTheRegistryVerifiesTheDigest() throws Exception {
    byte[] content = Artifacts.content(3 * 1024 * 1024 + 123, 3);
    Path file = Files.write(work.resolve("big.bin"), content);
    ContainerRef ref = ContainerRef.parse(server.image("os/chunks:1"));

    Layer layer = oras.pushBlobChunked(ref, file, 1024 * 1024);

    assertThat(layer.getDigest()).isEqualTo(Digests.sha256(content));
    assertThat(server.reads().blob("os/chunks", Digests.sha256(content), content.length))
        .isEqualTo(content);
    // Registry#getBlob reads the body as a UTF-8 String (oras-java-sdk 0.7.0), which mangles binary
    // content; fetchBlob streams the bytes and checks them against Docker-Content-Digest.
    Path fetched = work.resolve("fetched.bin");
    oras.fetchBlob(ref.withDigest(Digests.sha256(content)), fetched);
    assertThat(Files.readAllBytes(fetched)).isEqualTo(content);
  }

  @Test
  void sixteenParallelPushesAllSucceedWithTheDefaultUploadCap() throws Exception {
    int pushes = 16;
    ExecutorService clients = Executors.newFixedThreadPool(pushes);
    try {
      List<java.util.concurrent.Future<String>> pushed = new java.util.ArrayList<>();
      for (int i = 0; i < pushes; i++) {
        Path file =
            Files.write(
                work.resolve("parallel-" + i + ".img"),
                Artifacts.content(4 * 1024 * 1024, 1000 + i));
        ContainerRef ref = ContainerRef.parse(server.image("parallel/image-" + i + ":1"));
        pushed.add(
            clients.submit(
                () ->
                    Registry.builder()
                        .insecure()
                        .build()
                        .pushArtifact(
                            ref,
                            ArtifactType.from(ROOTFS_TYPE),
                            Annotations.empty(),
                            Config.empty(),
                            LocalPath.of(file, ROOTFS_LAYER_TYPE))
                        .getDescriptor()
                        .getDigest()));
      }
      for (int i = 0; i < pushes; i++) {
        String digest = pushed.get(i).get(2, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(
                server.reads().manifest("parallel/image-" + i, "1").header("Docker-Content-Digest"))
            .contains(digest);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  private static byte[] rootfs(String version) throws Exception {
    return Tars.gzip(
        Tars.tar(
            Map.of(
                "etc/os-release",
                ("VERSION_ID=\"" + version + "\"\n").getBytes(StandardCharsets.UTF_8))));
  }
}
