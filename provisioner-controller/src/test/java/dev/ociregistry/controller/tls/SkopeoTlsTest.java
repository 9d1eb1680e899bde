package dev.ociregistry.controller.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.OciRegistryServlet;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Commands;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.Skopeo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skopeo} against the registry servlet over HTTPS, trusting the test CA through {@code
 * --cert-dir} (a directory holding it as {@code ca.crt}): reads a manifest, copies an image out to
 * an OCI layout and back in, refuses the server without the CA, and keeps working across a
 * certificate rotated while the server runs.
 */
class SkopeoTlsTest {
  static TestPki pki;
  static TestPki.Leaf a;
  static TestPki.Leaf b;

  @TempDir Path work;

  OciRegistry registry;
  TlsServer server;
  Skopeo skopeo;
  Path certDir;
  Path chain;
  Path key;
  Artifacts.Manifest image;

  @BeforeAll
  static void certificates() throws Exception {
    pki = TestPki.shared();
    a = pki.rsa("registry-a");
    b = pki.rsa("registry-b");
  }

  @BeforeEach
  void start() throws Exception {
    registry = OciRegistry.open(work.resolve("registry"), RegistryOptions.defaults());
    chain = Files.copy(a.chain(), work.resolve("tls.crt"));
    key = Files.copy(a.key(), work.resolve("tls.key"));
    server =
        TlsServer.start(
            TlsSettings.pem(chain, key).withReloadInterval(Duration.ofMillis(50)),
            context ->
                context.addServlet(new ServletHolder(new OciRegistryServlet(registry)), "/v2/*"));
    image = new Pusher(server.fixture().http()).image("tls/hello", "1", Artifacts.image("tls"));
    skopeo = Skopeo.require(work.resolve("skopeo"));
    certDir = Files.createDirectories(work.resolve("certs.d"));
    Files.copy(pki.caCertificate(), certDir.resolve("ca.crt"));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    registry.close();
  }

  @Test
  void skopeoTrustingTheCaThroughCertDirReadsTheManifest() throws Exception {
    Commands.Result inspect =
        skopeo.run(
            "inspect",
            "--raw",
            "--cert-dir",
            certDir.toString(),
            "docker://" + server.httpsHostPort() + "/tls/hello:1");

    assertThat(inspect.stdout().getBytes(StandardCharsets.UTF_8)).isEqualTo(image.content());
  }

  @Test
  void skopeoWithoutTheCaRefusesTheServer() throws Exception {
    Commands.Result inspect =
        skopeo.runAllowingFailure(
            "inspect",
            "--raw",
            "--cert-dir",
            Files.createDirectories(work.resolve("empty")).toString(),
            "docker://" + server.httpsHostPort() + "/tls/hello:1");

    assertThat(inspect.exitCode()).as("%s", inspect).isNotZero();
    assertThat(inspect.stderr()).contains("x509: certificate signed by unknown authority");
  }

  @Test
  void skopeoCopiesAnImageOutAndBackInOverHttps() throws Exception {
    Path layout = work.resolve("layout");
    skopeo.run(
        "copy",
        "--preserve-digests",
        "--src-cert-dir",
        certDir.toString(),
        "docker://" + server.httpsHostPort() + "/tls/hello:1",
        "oci:" + layout + ":hello");
    skopeo.run(
        "copy",
        "--preserve-digests",
        "--dest-cert-dir",
        certDir.toString(),
        "oci:" + layout + ":hello",
        "docker://" + server.httpsHostPort() + "/tls/copied:1");

    assertThat(
            server
                .fixture()
                .http()
                .head("/v2/tls/copied/manifests/1")
                .expect(200)
                .header("Docker-Content-Digest"))
        .contains(image.digest());
  }

  @Test
  void skopeoKeepsWorkingAcrossACertificateRotatedWhileRunning() throws Exception {
    String reference = "docker://" + server.httpsHostPort() + "/tls/hello:1";
    skopeo.run("inspect", "--raw", "--cert-dir", certDir.toString(), reference);

    Files.copy(b.key(), key, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(b.chain(), chain, StandardCopyOption.REPLACE_EXISTING);
    server.awaitServing("registry-b");

    assertThat(
            TlsClient.get(TlsClient.trusting(pki.caCertificate()), server.httpsPort()).commonName())
        .isEqualTo("CN=registry-b");
    Commands.Result inspect =
        skopeo.run("inspect", "--raw", "--cert-dir", certDir.toString(), reference);
    assertThat(inspect.stdout().getBytes(StandardCharsets.UTF_8)).isEqualTo(image.content());
  }
}
