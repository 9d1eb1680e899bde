package dev.ociregistry.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.interop.testing.InteropServer;
import dev.ociregistry.interop.testing.SampleImage;
import dev.ociregistry.servlet.auth.AccessPolicy;
import dev.ociregistry.servlet.auth.BasicAuthenticator;
import dev.ociregistry.servlet.auth.HtpasswdFile;
import dev.ociregistry.servlet.auth.PolicyAuthorizer;
import dev.ociregistry.testkit.Commands;
import dev.ociregistry.testkit.Htpasswd;
import dev.ociregistry.testkit.Skopeo;
import dev.ociregistry.testkit.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.Config;
import land.oras.ContainerRef;
import land.oras.LocalPath;
import land.oras.Registry;
import land.oras.exception.OrasException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients against the registry with authentication on: skopeo with {@code --creds}, the oras
 * Java SDK with a user and password; each refused without them, and anonymous reads of the public
 * namespace work for skopeo as they do for a machine without credentials.
 */
class AuthenticatedClientsTest {
  private static final String PASSWORD = TestSecrets.password("pusher");
  private static final String POLICY =
      """
      {"repositories": {
        "interop/**": {"defaultPolicy": ["read", "create", "update", "delete"]},
        "public/**": {"defaultPolicy": ["read", "create", "update"], "anonymousPolicy": ["read"]}
      }}
      """;

  @TempDir static Path storage;
  static InteropServer server;
  static Skopeo skopeo;
  static Path source;

  @BeforeAll
  static void start() throws Exception {
    Path htpasswd = storage.resolve("htpasswd");
    Htpasswd.set(htpasswd, "pusher", PASSWORD);
    AccessPolicy policy =
        AccessPolicy.parse(POLICY.getBytes(StandardCharsets.UTF_8), "policy.json");
    server =
        InteropServer.start(
            storage.resolve("registry"),
            new PolicyAuthorizer(
                new BasicAuthenticator(HtpasswdFile.load(htpasswd, false), "oci-registry"),
                () -> policy));
    skopeo = Skopeo.require(storage.resolve("skopeo-home"));
    source = storage.resolve("source-layout");
    SampleImage.of("authenticated").storeIn(source, "os/rootfs", "22.04");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void skopeoCopiesWithCredentialsAndIsRefusedWithout() throws Exception {
    String target = "docker://" + server.image("interop/secured:1");

    Commands.Result refused =
        skopeo.runAllowingFailure(
            "copy", "--dest-tls-verify=false", "oci:" + source + ":os/rootfs:22.04", target);
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).containsIgnoringCase("unauthorized");

    skopeo.run(
        "copy",
        "--dest-tls-verify=false",
        "--dest-creds",
        "pusher:" + PASSWORD,
        "oci:" + source + ":os/rootfs:22.04",
        target);
    assertThat(
            skopeo
                .run("inspect", "--tls-verify=false", "--creds", "pusher:" + PASSWORD, target)
                .json()
                .path("RepoTags")
                .get(0)
                .asText())
        .isEqualTo("1");
    assertThat(skopeo.runAllowingFailure("inspect", "--tls-verify=false", target).exitCode())
        .isNotZero();
  }

  @Test
  void skopeoReadsThePublicNamespaceWithoutCredentials() throws Exception {
    String target = "docker://" + server.image("public/rootfs:1");
    skopeo.run(
        "copy",
        "--dest-tls-verify=false",
        "--dest-creds",
        "pusher:" + PASSWORD,
        "oci:" + source + ":os/rootfs:22.04",
        target);

    String raw = skopeo.run("inspect", "--raw", "--tls-verify=false", target).stdout();

    assertThat(raw).contains("application/vnd.oci.image.manifest.v1+json");
  }

  @Test
  void orasPushesAndPullsWithAUserAndPassword() throws Exception {
    Path file = Files.writeString(storage.resolve("notes.txt"), "pushed with credentials");
    ContainerRef ref = ContainerRef.parse(server.image("interop/notes:1"));
    Registry authenticated =
        Registry.builder().defaults("pusher", PASSWORD).withInsecure(true).build();
    Registry anonymous = Registry.builder().insecure().build();

    authenticated.pushArtifact(
        ref,
        ArtifactType.from("application/vnd.example.notes"),
        Annotations.empty(),
        Config.empty(),
        LocalPath.of(file, "text/plain"));
    Path pulled = Files.createDirectories(storage.resolve("pulled"));
    authenticated.pullArtifact(ref, pulled, true);

    assertThat(pulled.resolve("notes.txt")).hasContent("pushed with credentials");
    // The SDK understands only Bearer challenges: without credentials it reports the Basic one.
    assertThatThrownBy(() -> anonymous.getManifest(ref)).isInstanceOf(OrasException.class);
    assertThat(server.http().get("/v2/interop/notes/manifests/1").status()).isEqualTo(401);
  }
}
