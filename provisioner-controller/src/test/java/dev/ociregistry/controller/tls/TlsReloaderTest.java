package dev.ociregistry.controller.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files replaced while the server runs: the new certificate reaches new connections without a
 * restart and without a request failing; files that do not form a valid pair (half a rotation, a
 * file gone, a wrong password) keep the certificate in use, with one warning.
 */
class TlsReloaderTest {
  private static final Duration INTERVAL = Duration.ofMillis(50);

  static TestPki pki;
  static TestPki.Leaf a;
  static TestPki.Leaf b;

  @TempDir Path work;

  SSLContext trustingCa;
  LogCapture log;
  ExecutorService executor = Executors.newSingleThreadExecutor();

  @BeforeAll
  static void certificates() throws Exception {
    pki = TestPki.shared();
    a = pki.rsa("registry-a");
    b = pki.rsa("registry-b");
  }

  @BeforeEach
  void start() throws Exception {
    trustingCa = TlsClient.trusting(pki.caCertificate());
    log = LogCapture.start();
  }

  @AfterEach
  void stop() {
    executor.shutdownNow();
    log.close();
  }

  @Test
  void rotatedPemPairReachesNewConnectionsWhileEveryRequestIsAnswered() throws Exception {
    Path chain = copy(a.chain(), "tls.crt");
    Path key = copy(a.key(), "tls.key");
    try (TlsServer server = TlsServer.hello(pem(chain, key))) {
      assertThat(TlsClient.get(trustingCa, server.httpsPort()).commonName())
          .isEqualTo("CN=registry-a");
      AtomicBoolean running = new AtomicBoolean(true);
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      Future<?> requests =
          executor.submit(
              () -> {
                while (running.get()) {
                  TlsClient.Answer answer = TlsClient.get(trustingCa, server.httpsPort());
                  assertThat(answer.status()).isEqualTo(200);
                  seen.add(answer.commonName());
                }
                return null;
              });
      Await.until("requests before the rotation", () -> seen.size() >= 3);

      Files.copy(b.key(), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(b.chain(), chain, StandardCopyOption.REPLACE_EXISTING);

      Await.until(
          "a new connection to see the rotated certificate",
          () ->
              requests.isDone()
                  || (seen.contains("CN=registry-b")
                      && seen.size() > seen.indexOf("CN=registry-b") + 3));
      running.set(false);
      requests.get();
      List<String> answers = List.copyOf(seen);
      int first = answers.indexOf("CN=registry-b");
      assertThat(answers.subList(0, first)).containsOnly("CN=registry-a");
      assertThat(answers.subList(first, answers.size())).containsOnly("CN=registry-b");
      assertThat(server.reloader().certificates())
          .containsExactly(TestPki.certificate(b.certificate()));
      assertThat(server.reloader().problem()).isEmpty();
      assertThat(log.lines("INFO"))
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("TLS: now serving CN=registry-b (serial ")
                      .contains("from TLS_CERT_FILE=" + chain));
      assertThat(warnings()).isEmpty();
    }
  }

  @Test
  void halfWrittenRotationKeepsTheOldCertificateAndWarnsOnce() throws Exception {
    Path chain = copy(a.chain(), "tls.crt");
    Path key = copy(a.key(), "tls.key");
    try (TlsServer server = TlsServer.hello(pem(chain, key))) {
      Files.copy(b.key(), key, StandardCopyOption.REPLACE_EXISTING);

      Await.until(
          "the reloader to refuse the new key", () -> server.reloader().problem().isPresent());
      assertThat(server.reloader().problem().orElseThrow())
          .isEqualTo(
              "TLS_KEY_FILE="
                  + key
                  + " does not match any certificate in TLS_CERT_FILE="
                  + chain
                  + "; they must be a key and its certificate");
      Await.holdsFor(
          "the old certificate served and one warning logged",
          INTERVAL.multipliedBy(6),
          () -> served(server).equals("CN=registry-a") && warnings().size() == 1);
      assertThat(warnings().get(0))
          .contains(
              "TLS: the files changed but cannot be served, still serving CN=registry-a (serial ")
          .contains("does not match any certificate");

      Files.copy(b.chain(), chain, StandardCopyOption.REPLACE_EXISTING);

      Await.until(
          "the completed rotation to be served", () -> served(server).equals("CN=registry-b"));
      assertThat(server.reloader().problem()).isEmpty();
      assertThat(warnings()).hasSize(1);
    }
  }

  @Test
  void fileGoneKeepsServingUntilItIsBack() throws Exception {
    Path chain = copy(a.chain(), "tls.crt");
    Path key = copy(a.key(), "tls.key");
    try (TlsServer server = TlsServer.hello(pem(chain, key))) {
      Files.delete(key);

      Await.until(
          "the reloader to notice the key is gone", () -> server.reloader().problem().isPresent());
      assertThat(server.reloader().problem().orElseThrow())
          .isEqualTo(
              "TLS_KEY_FILE="
                  + key
                  + " does not exist; it accepts a PEM file with the certificate's unencrypted RSA"
                  + " or EC private key: BEGIN PRIVATE KEY (PKCS#8), BEGIN RSA PRIVATE KEY or"
                  + " BEGIN EC PRIVATE KEY");
      assertThat(served(server)).isEqualTo("CN=registry-a");

      Files.copy(a.key(), key);

      Await.until("the problem to clear", () -> server.reloader().problem().isEmpty());
      assertThat(served(server)).isEqualTo("CN=registry-a");
      assertThat(log.lines("INFO"))
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("TLS: the files are back to the certificate being served"));
      assertThat(warnings()).hasSize(1);
    }
  }

  @Test
  void filesSwappedBehindSymbolicLinksAreServed() throws Exception {
    // As Kubernetes mounts a secret: tls.crt -> ..data/tls.crt, ..data -> a directory per version.
    Path first = Files.createDirectories(work.resolve("v1"));
    Files.copy(a.chain(), first.resolve("tls.crt"));
    Files.copy(a.key(), first.resolve("tls.key"));
    Path data = Files.createSymbolicLink(work.resolve("..data"), first.getFileName());
    Path chain = Files.createSymbolicLink(work.resolve("tls.crt"), Path.of("..data/tls.crt"));
    Path key = Files.createSymbolicLink(work.resolve("tls.key"), Path.of("..data/tls.key"));
    try (TlsServer server = TlsServer.hello(pem(chain, key))) {
      Path second = Files.createDirectories(work.resolve("v2"));
      Files.copy(b.chain(), second.resolve("tls.crt"));
      Files.copy(b.key(), second.resolve("tls.key"));
      Path next = Files.createSymbolicLink(work.resolve("..data_tmp"), second.getFileName());
      Files.move(next, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      Await.until("the swapped files to be served", () -> served(server).equals("CN=registry-b"));
      assertThat(warnings()).isEmpty();
    }
  }

  @Test
  void rotatedKeystoreIsServedOnceItsPasswordFileMatches() throws Exception {
    Path keystore = copy(a.pkcs12(), "tls.p12");
    Path password = copy(pki.passwordFile(), "password");
    TlsSettings settings = TlsSettings.pkcs12(keystore, password).withReloadInterval(INTERVAL);
    try (TlsServer server = TlsServer.hello(settings)) {
      Files.writeString(password, "the-new-password\n", StandardCharsets.UTF_8);

      Await.until(
          "the reloader to refuse the password", () -> server.reloader().problem().isPresent());
      assertThat(server.reloader().problem().orElseThrow()).endsWith(": the password is wrong");
      assertThat(served(server)).isEqualTo("CN=registry-a");

      Files.copy(b.pkcs12(), keystore, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(pki.passwordFile(), password, StandardCopyOption.REPLACE_EXISTING);

      Await.until(
          "the rotated keystore to be served", () -> served(server).equals("CN=registry-b"));
      assertThat(server.reloader().problem()).isEmpty();
      assertThat(String.join("\n", log.lines("TLS")))
          .doesNotContain("the-new-password")
          .doesNotContain(TestPki.PASSWORD);
    }
  }

  @Test
  void reloadThatJettyCannotLoadPutsThePreviousCertificateBack() throws Exception {
    Path chain = copy(a.chain(), "tls.crt");
    Path key = copy(a.key(), "tls.key");
    TlsSettings settings = pem(chain, key);
    TlsFiles.Snapshot snapshot = TlsFiles.read(settings.source());
    KeyMaterial material = TlsFiles.parse(settings.source(), snapshot);
    // Jetty unloads, then loads: a key store it cannot read (never loaded) leaves it no context.
    AtomicBoolean breakNextReload = new AtomicBoolean(true);
    SslContextFactory.Server factory =
        new SslContextFactory.Server() {
          @Override
          public void reload(Consumer<SslContextFactory> consumer) throws Exception {
            super.reload(
                consumer.andThen(
                    f -> {
                      if (breakNextReload.getAndSet(false)) {
                        f.setKeyStore(unloadedKeyStore());
                      }
                    }));
          }
        };
    factory.setKeyStore(material.keyStore());
    factory.setKeyStorePassword(material.password());
    factory.start();
    try {
      TlsReloader reloader = new TlsReloader(settings, factory, material, snapshot.fingerprint());
      Files.copy(b.key(), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(b.chain(), chain, StandardCopyOption.REPLACE_EXISTING);

      reloader.check();
      reloader.check();

      assertThat(reloader.problem()).isPresent();
      assertThat(reloader.certificates()).containsExactly(TestPki.certificate(a.certificate()));
      assertThat(factory.getSslContext()).isNotNull();
      assertThat(factory.getKeyStore().getCertificate("server"))
          .isEqualTo(TestPki.certificate(a.certificate()));
      assertThat(log.lines("ERROR " + TlsReloader.class.getName()))
          .singleElement()
          .satisfies(line -> assertThat(line).contains("TLS: reloading TLS_CERT_FILE="));
    } finally {
      factory.stop();
    }
  }

  private static KeyStore unloadedKeyStore() {
    try {
      return KeyStore.getInstance("PKCS12");
    } catch (KeyStoreException e) {
      throw new IllegalStateException(e);
    }
  }

  private TlsSettings pem(Path chain, Path key) {
    return TlsSettings.pem(chain, key).withReloadInterval(INTERVAL);
  }

  private String served(TlsServer server) {
    try {
      TlsClient.Answer answer = TlsClient.get(trustingCa, server.httpsPort());
      assertThat(answer.status()).isEqualTo(200);
      return answer.commonName();
    } catch (IOException e) {
      throw new AssertionError("the server stopped answering", e);
    }
  }

  private List<String> warnings() {
    return log.lines("WARN " + TlsReloader.class.getName());
  }

  private Path copy(Path from, String name) throws IOException {
    return Files.copy(from, work.resolve(name));
  }
}
