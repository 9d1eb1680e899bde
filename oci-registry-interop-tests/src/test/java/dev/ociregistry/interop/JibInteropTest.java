package dev.ociregistry.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import dev.ociregistry.interop.testing.InteropServer;
import dev.ociregistry.interop.testing.JibLog;
import dev.ociregistry.interop.testing.RegistryReads;
import dev.ociregistry.interop.testing.Tars;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.TestHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * jib-core, in-process, builds images and pushes them to our registry over plain HTTP, then pulls
 * them back; every digest Jib reports is checked against what the registry serves and against the
 * bytes themselves.
 */
class JibInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<ImageFormat, String> MANIFEST_TYPES =
      Map.of(
          ImageFormat.Docker, Artifacts.DOCKER_MANIFEST, ImageFormat.OCI, Artifacts.OCI_MANIFEST);
  private static final byte[] DATA = Artifacts.content(200_000, 31);

  @TempDir static Path storage;
  static InteropServer server;

  @TempDir Path work;

  @BeforeAll
  static void startServer() throws Exception {
    server = InteropServer.start(storage.resolve("registry"));
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(ImageFormat.class)
  void jibPushesImageFromScratchAndRegistryServesTheDigestJibReports(ImageFormat format)
      throws Exception {
    String tag = format.name().toLowerCase();
    JibLog log = new JibLog();

    JibContainer pushed =
        appImage(Jib.fromScratch(), "hello from " + tag)
            .setFormat(format)
            .containerize(pushTo(server.image("interop/jib:" + tag), log));

    String digest = pushed.getDigest().toString();
    TestHttp.Response manifest = server.reads().manifest("interop/jib", tag);
    assertThat(manifest.header("Docker-Content-Digest")).as("jib log:\n%s", log).contains(digest);
    assertThat(Digests.sha256(manifest.body())).isEqualTo(digest);
    assertThat(manifest.header("Content-Type")).contains(MANIFEST_TYPES.get(format));
    assertThat(server.reads().manifest("interop/jib", digest).body()).isEqualTo(manifest.body());

    JsonNode body = manifest.json();
    assertThat(body.path("mediaType").asText()).isEqualTo(MANIFEST_TYPES.get(format));
    assertThat(body.path("config").path("digest").asText())
        .as("Jib's image id is the config digest")
        .isEqualTo(pushed.getImageId().toString());
    server.reads().blob("interop/jib", body.path("config"));
    Map<String, byte[]> files = new HashMap<>();
    for (JsonNode layer : body.path("layers")) {
      files.putAll(Tars.untar(Tars.gunzip(server.reads().blob("interop/jib", layer))));
    }
    assertThat(files).containsKeys("app/hello.txt", "app/lib/data.bin");
    assertThat(new String(files.get("app/hello.txt"), StandardCharsets.UTF_8))
        .isEqualTo("hello from " + tag);
    assertThat(files.get("app/lib/data.bin")).isEqualTo(DATA);

    TestHttp.Response tags = server.http().get("/v2/interop/jib/tags/list");
    assertThat(tags.status()).isEqualTo(200);
    assertThat(tags.json().path("tags").toString()).contains("\"" + tag + "\"");
  }

  @Test
  void jibPullsPushedImageBackIntoTarWithTheSameLayers() throws Exception {
    JibLog log = new JibLog();
    JibContainer pushed =
        appImage(Jib.fromScratch(), "pull me back")
            .containerize(pushTo(server.image("interop/jib-pull:1"), log));
    JsonNode manifest =
        server.reads().manifest("interop/jib-pull", pushed.getDigest().toString()).json();
    List<String> registryLayers = RegistryReads.digests(manifest.path("layers"));
    assertThat(registryLayers).as("the resources and libraries layers").hasSize(2);

    Path tar = work.resolve("pulled.tar");
    JibLog pullLog = new JibLog();
    Jib.from(RegistryImage.named(server.image("interop/jib-pull:1")))
        .containerize(
            caches(Containerizer.to(TarImage.at(tar).named("pulled:1")), pullLog)
                .setAllowInsecureRegistries(true));

    Map<String, byte[]> entries = Tars.untar(tar);
    JsonNode tarManifest = JSON.readTree(entries.get("manifest.json")).get(0);
    List<String> tarLayers = new ArrayList<>();
    Map<String, byte[]> files = new HashMap<>();
    for (JsonNode name : tarManifest.path("Layers")) {
      byte[] layer = entries.get(name.asText());
      assertThat(layer).as("layer %s in the tar; jib log:\n%s", name, pullLog).isNotNull();
      tarLayers.add(Digests.sha256(layer));
      files.putAll(Tars.untar(Tars.gunzip(layer)));
    }
    assertThat(tarLayers).as("layers Jib pulled, by digest").isEqualTo(registryLayers);
    for (String layer : registryLayers) {
      // the base image cache was empty: every layer came from the registry
      server.awaitRequest("GET /v2/interop/jib-pull/blobs/" + layer + " 200");
    }
    assertThat(new String(files.get("app/hello.txt"), StandardCharsets.UTF_8))
        .isEqualTo("pull me back");
    assertThat(files.get("app/lib/data.bin")).isEqualTo(DATA);
  }

  @Test
  void jibBuildsOnBaseImageFromOurRegistryAndPushesToAnotherRepository() throws Exception {
    JibLog log = new JibLog();
    JibContainer base =
        appImage(Jib.fromScratch(), "base layer")
            .containerize(pushTo(server.image("interop/jib-base:1"), log));
    JsonNode baseManifest =
        server.reads().manifest("interop/jib-base", base.getDigest().toString()).json();

    Path extra = Files.writeString(work.resolve("extra.txt"), "on top of the base");
    JibContainer app =
        Jib.from(RegistryImage.named(server.image("interop/jib-base:1")))
            .addFileEntriesLayer(
                FileEntriesLayer.builder()
                    .setName("extra")
                    .addEntry(extra, AbsoluteUnixPath.get("/extra/extra.txt"))
                    .build())
            .setEntrypoint("/app/run")
            .containerize(pushTo(server.image("interop/jib-app:1"), log));

    TestHttp.Response served = server.reads().manifest("interop/jib-app", "1");
    assertThat(served.header("Docker-Content-Digest"))
        .as("jib log:\n%s", log)
        .contains(app.getDigest().toString());
    assertThat(Digests.sha256(served.body())).isEqualTo(app.getDigest().toString());
    JsonNode appManifest = served.json();
    List<String> baseLayers = RegistryReads.digests(baseManifest.path("layers"));
    assertThat(baseLayers).as("the resources and libraries layers").hasSize(2);
    List<String> appLayers = RegistryReads.digests(appManifest.path("layers"));
    for (JsonNode layer : appManifest.path("layers")) {
      // each one mounted or pushed into interop/jib-app, so served from there
      server.reads().blob("interop/jib-app", layer);
    }
    assertThat(appLayers)
        .hasSize(baseLayers.size() + 1)
        .startsWith(baseLayers.toArray(String[]::new));
    for (String layer : baseLayers) {
      // end-11: the base layers were mounted across repositories, not uploaded again
      server.awaitRequest(
          "POST /v2/interop/jib-app/blobs/uploads/?mount=" + layer + "&from=interop/jib-base 201");
    }
    byte[] top =
        server
            .reads()
            .blob("interop/jib-app", appManifest.path("layers").get(appLayers.size() - 1));
    assertThat(Tars.untar(Tars.gunzip(top)).get("extra/extra.txt"))
        .isEqualTo("on top of the base".getBytes(StandardCharsets.UTF_8));
  }

  private JibContainerBuilder appImage(JibContainerBuilder builder, String greeting)
      throws Exception {
    Path hello =
        Files.writeString(
            work.resolve("hello-" + Math.abs(greeting.hashCode()) + ".txt"), greeting);
    Path data = Files.write(work.resolve("data.bin"), DATA);
    return builder
        .addFileEntriesLayer(
            FileEntriesLayer.builder()
                .setName("resources")
                .addEntry(hello, AbsoluteUnixPath.get("/app/hello.txt"))
                .build())
        .addFileEntriesLayer(
            FileEntriesLayer.builder()
                .setName("libraries")
                .addEntry(data, AbsoluteUnixPath.get("/app/lib/data.bin"))
                .build())
        .setEntrypoint("/app/run")
        .addLabel("dev.ociregistry.interop", "jib");
  }

  private Containerizer pushTo(String image, JibLog log) throws Exception {
    return caches(Containerizer.to(RegistryImage.named(image)), log)
        .setAllowInsecureRegistries(true);
  }

  private Containerizer caches(Containerizer containerizer, JibLog log) {
    return containerizer
        .setBaseImageLayersCache(work.resolve("jib-cache/base"))
        .setApplicationLayersCache(work.resolve("jib-cache/app"))
        .setToolName("oci-registry-interop-tests")
        .addEventHandler(LogEvent.class, log);
  }
}
