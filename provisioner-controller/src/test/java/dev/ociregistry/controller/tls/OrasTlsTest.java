package dev.ociregistry.controller.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.servlet.OciRegistryServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.Config;
import land.oras.ContainerRef;
import land.oras.LocalPath;
import land.oras.Registry;
import land.oras.exception.OrasException;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oras Java SDK over HTTPS, trusting the test CA as {@code oras --ca-file} does: push and pull,
 * refusal without the CA, and a certificate rotated while it keeps pulling.
 */
class OrasTlsTest {
  @TempDir Path work;

  @Test
  void orasWithTheCaFilePushesAndPullsAcrossACertificateRotation() throws Exception {
    TestPki pki = TestPki.shared();
    Path chain = Files.copy(pki.rsa("oras-a").chain(), work.resolve("tls.crt"));
    Path key = Files.copy(pki.rsa("oras-a").key(), work.resolve("tls.key"));
    try (OciRegistry registry =
            OciRegistry.open(work.resolve("registry"), RegistryOptions.defaults());
        TlsServer server =
            TlsServer.start(
                TlsSettings.pem(chain, key).withReloadInterval(Duration.ofMillis(50)),
                context ->
                    context.addServlet(
                        new ServletHolder(new OciRegistryServlet(registry)), "/v2/*"))) {
      Registry oras = Registry.builder().withCaFile(pki.caCertificate()).build();
      ContainerRef ref = ContainerRef.parse(server.httpsHostPort() + "/tls/notes:1");
      Path notes = Files.writeString(work.resolve("notes.txt"), "over https");

      oras.pushArtifact(
          ref,
          ArtifactType.from("application/vnd.example.notes"),
          Annotations.empty(),
          Config.empty(),
          LocalPath.of(notes, "text/plain"));
      Path pulled = Files.createDirectories(work.resolve("pulled"));
      oras.pullArtifact(ref, pulled, true);
      assertThat(pulled.resolve("notes.txt")).hasContent("over https");
      assertThatThrownBy(() -> Registry.builder().build().getManifest(ref))
          .isInstanceOf(OrasException.class);

      Files.copy(pki.rsa("oras-b").key(), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(pki.rsa("oras-b").chain(), chain, StandardCopyOption.REPLACE_EXISTING);
      server.awaitServing("oras-b");
      Path again = Files.createDirectories(work.resolve("again"));
      Registry.builder().withCaFile(pki.caCertificate()).build().pullArtifact(ref, again, true);
      assertThat(again.resolve("notes.txt")).hasContent("over https");
    }
  }
}
