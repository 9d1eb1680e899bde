package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.Skopeo;
import dev.ociregistry.testkit.TestHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.Config;
import land.oras.ContainerRef;
import land.oras.Layer;
import land.oras.LocalPath;
import land.oras.ManifestDescriptor;
import land.oras.Referrers;
import land.oras.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients against three replicas behind a round-robin nginx ({@link ReplicaSite}), every
 * request to the next replica: oras-java-sdk pushes an artifact over plain HTTP, attaches a
 * referrer, pushes a blob in chunks and pulls all of it back; skopeo copies an image between
 * repositories and to an OCI layout. Every digest is checked against the bytes.
 */
class ClientsOnReplicasIT {
  private static final String ROOTFS_TYPE = "application/vnd.example.rootfs.tar.gz";
  private static final String SBOM_TYPE = "application/spdx+json";

  @TempDir static Path siteDir;
  private static ReplicaSite site;
  private static ExecutorService executor;
  private static Registry oras;

  @TempDir Path work;

  @BeforeAll
  static void startSite() throws Exception {
    site = ReplicaSite.start(siteDir);
    executor = Executors.newFixedThreadPool(2);
    oras = Registry.builder().insecure().withExecutorService(executor).build();
  }

  @AfterAll
  static void stopSite() throws Exception {
    executor.shutdownNow();
    site.close();
  }

  @Test
  void orasPushesAttachesAndPullsThroughTheReplicasInTurn() throws Exception {
    Path rootfs = Files.write(work.resolve("rootfs.tar.gz"), Artifacts.content(12 << 20, 5));
    ContainerRef ref = ContainerRef.parse(site.hostPort() + "/os/rootfs:24.04");
    land.oras.Manifest pushed =
        oras.pushArtifact(
            ref,
            ArtifactType.from(ROOTFS_TYPE),
            Annotations.empty(),
            Config.empty(),
            LocalPath.of(rootfs, Artifacts.OCI_LAYER_GZIP));
    String subject = pushed.getDescriptor().getDigest();

    Path sbom = Files.writeString(work.resolve("sbom.spdx.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
    land.oras.Manifest attached =
        oras.attachArtifact(
            ref.withDigest(subject), ArtifactType.from(SBOM_TYPE), LocalPath.of(sbom, SBOM_TYPE));
    Referrers referrers = oras.getReferrers(ref.withDigest(subject), null);
    assertThat(referrers.getManifests())
        .extracting(ManifestDescriptor::getDigest)
        .containsExactly(attached.getDescriptor().getDigest());

    land.oras.Manifest fetched = oras.getManifest(ref);
    assertThat(fetched.getDescriptor().getDigest()).isEqualTo(subject);
    assertThat(fetched.getLayers()).extracting(Layer::getDigest).containsExactly(digest(rootfs));
    Path pulled = Files.createDirectories(work.resolve("pulled"));
    oras.pullArtifact(ref, pulled, true);
    assertThat(pulled.resolve("rootfs.tar.gz")).hasSameBinaryContentAs(rootfs);
    Path pulledSbom = Files.createDirectories(work.resolve("sbom"));
    oras.pullArtifact(ref.withDigest(attached.getDescriptor().getDigest()), pulledSbom, true);
    assertThat(pulledSbom.resolve("sbom.spdx.json")).hasSameBinaryContentAs(sbom);
  }

  @Test
  void orasPushesABlobInChunksEachToAnotherReplica() throws Exception {
    byte[] content = Artifacts.content((5 << 20) + 321, 6);
    Path file = Files.write(work.resolve("wim.bin"), content);
    ContainerRef ref = ContainerRef.parse(site.hostPort() + "/windows/wim:1");

    Layer layer = oras.pushBlobChunked(ref, file, 1 << 20);

    assertThat(layer.getDigest()).isEqualTo(Digests.sha256(content));
    Path fetched = work.resolve("fetched.bin");
    oras.fetchBlob(ref.withDigest(layer.getDigest()), fetched);
    assertThat(fetched).hasBinaryContent(content);
  }

  @Test
  void skopeoCopiesAnImageThroughTheReplicasInTurn() throws Exception {
    Manifest image =
        new Pusher(new TestHttp(site.base()))
            .image("source/app", "1", Artifacts.image("skopeo through the front"));
    Skopeo skopeo = Skopeo.require(work.resolve("skopeo"));
    skopeo.run(
        "copy",
        "--preserve-digests",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        "docker://" + site.hostPort() + "/source/app:1",
        "docker://" + site.hostPort() + "/copied/app:1");
    String raw =
        skopeo
            .run(
                "inspect",
                "--raw",
                "--tls-verify=false",
                "docker://" + site.hostPort() + "/copied/app:1")
            .stdout();
    assertThat(Digests.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(image.digest());
    Path layout = work.resolve("layout");
    skopeo.run(
        "copy",
        "--preserve-digests",
        "--src-tls-verify=false",
        "docker://" + site.hostPort() + "/copied/app:1",
        "oci:" + layout + ":app");
    assertThat(Files.readString(layout.resolve("index.json"))).contains(image.digest());
  }

  private static String digest(Path file) throws Exception {
    return Digests.sha256(Files.readAllBytes(file));
  }
}
