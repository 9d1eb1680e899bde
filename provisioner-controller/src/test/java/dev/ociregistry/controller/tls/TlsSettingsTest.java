package dev.ociregistry.controller.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.controller.config.ConfigException;
import dev.ociregistry.controller.tls.TlsSettings.PemFiles;
import dev.ociregistry.controller.tls.TlsSettings.Pkcs12File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reading the TLS variables: plain HTTP without them, each accepted form of key and key store, and
 * every refusal with a message that names the variable and what it accepts and shows no password.
 */
class TlsSettingsTest {
  static TestPki pki;
  static TestPki.Leaf a;
  static TestPki.Leaf b;
  static TestPki.Leaf ec;

  @TempDir Path work;

  @BeforeAll
  static void certificates() throws Exception {
    pki = TestPki.shared();
    a = pki.rsa("registry-a");
    b = pki.rsa("registry-b");
    ec = pki.ec("registry-ec");
  }

  @Test
  void noTlsVariableMeansPlainHttp() throws Exception {
    assertThat(TlsSettings.fromEnvironment(Map.of())).isEmpty();
    assertThat(
            TlsSettings.fromEnvironment(
                Map.of("TLS_CERT_FILE", " ", "TLS_KEYSTORE", "", "TLS_RELOAD_INTERVAL", "5s")))
        .isEmpty();
  }

  @Test
  void pemCertificateAndKeyAreRead() throws Exception {
    Optional<TlsSettings> settings =
        TlsSettings.fromEnvironment(
            Map.of("TLS_CERT_FILE", a.chain().toString(), "TLS_KEY_FILE", a.key().toString()));

    assertThat(settings)
        .contains(
            new TlsSettings(new PemFiles(a.chain(), a.key()), TlsSettings.DEFAULT_RELOAD_INTERVAL));
    assertThat(settings.orElseThrow().source().files()).containsExactly(a.chain(), a.key());
    assertThat(settings.orElseThrow().source().describe())
        .isEqualTo("TLS_CERT_FILE=" + a.chain() + ", TLS_KEY_FILE=" + a.key());
  }

  @Test
  void pkcs12KeystoreAndPasswordFileAreRead() throws Exception {
    Optional<TlsSettings> settings =
        TlsSettings.fromEnvironment(
            Map.of(
                "TLS_KEYSTORE", a.pkcs12().toString(),
                "TLS_KEYSTORE_PASSWORD_FILE", pki.passwordFile().toString(),
                "TLS_RELOAD_INTERVAL", "250ms"));

    assertThat(settings)
        .contains(
            new TlsSettings(
                new Pkcs12File(a.pkcs12(), pki.passwordFile()), Duration.ofMillis(250)));
    assertThat(settings.orElseThrow().source().files())
        .containsExactly(a.pkcs12(), pki.passwordFile());
    assertThat(settings.orElseThrow().source().describe())
        .isEqualTo(
            "TLS_KEYSTORE=" + a.pkcs12() + ", TLS_KEYSTORE_PASSWORD_FILE=" + pki.passwordFile());
  }

  @Test
  void passwordFileWithAWindowsLineEndingIsRead() throws Exception {
    Path password = Files.writeString(work.resolve("password.txt"), TestPki.PASSWORD + "\r\n");

    KeyMaterial material = TlsFiles.load(new Pkcs12File(a.pkcs12(), password));

    assertThat(material.certificates()).containsExactly(TestPki.certificate(a.certificate()));
  }

  @Test
  void keystoreEntriesWithoutAKeyAreLeftOut() throws Exception {
    Path store = Files.copy(a.selfSigned(), work.resolve("with-ca.p12"));
    Tools.run(
        work,
        Tools.keytool(),
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        pki.caCertificate().toString(),
        "-keystore",
        store.toString(),
        "-storepass",
        TestPki.PASSWORD);

    KeyMaterial material = TlsFiles.load(new Pkcs12File(store, pki.passwordFile()));

    assertThat(material.certificates()).hasSize(1);
    assertThat(material.keyStore().size()).isEqualTo(1);
  }

  @Test
  void certificatesOutsideTheirValidityAreReported() throws Exception {
    KeyMaterial material = TlsFiles.load(new PemFiles(a.chain(), a.key()));
    X509Certificate certificate = material.certificates().get(0);
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();

    assertThat(material.validityProblems(notBefore.plusSeconds(1))).isEmpty();
    assertThat(material.validityProblems(notBefore.minusSeconds(1)))
        .containsExactly("CN=registry-a is not valid before " + notBefore);
    assertThat(material.validityProblems(notAfter.plusSeconds(1)))
        .containsExactly("CN=registry-a expired at " + notAfter);
  }

  @Test
  void reloadIntervalMustBePositive() {
    TlsSettings settings = TlsSettings.pem(a.chain(), a.key());

    assertThatThrownBy(() -> settings.withReloadInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> settings.withReloadInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(settings.withReloadInterval(Duration.ofMillis(10)).reloadInterval())
        .isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void keytoolKeystoreIsServedWithItsSelfSignedCertificate() throws Exception {
    KeyMaterial material = TlsFiles.load(new Pkcs12File(a.selfSigned(), pki.passwordFile()));

    assertThat(material.certificates()).hasSize(1);
    X509Certificate served = material.certificates().get(0);
    assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=registry-a");
    assertThat(served.getIssuerX500Principal()).isEqualTo(served.getSubjectX500Principal());
  }

  @Test
  void pkcs12ChainIsServedWithTheCaCertificate() throws Exception {
    KeyMaterial material = TlsFiles.load(new Pkcs12File(a.pkcs12(), pki.passwordFile()));

    assertThat(material.keyStore().getCertificateChain("server"))
        .containsExactly(
            TestPki.certificate(a.certificate()), TestPki.certificate(pki.caCertificate()));
  }

  static Stream<Arguments> keyForms() {
    return Stream.of(
        Arguments.of("PKCS#8 RSA", "rsa", false, "-----BEGIN PRIVATE KEY-----"),
        Arguments.of("traditional RSA", "rsa", true, "-----BEGIN RSA PRIVATE KEY-----"),
        Arguments.of("PKCS#8 EC", "ec", false, "-----BEGIN PRIVATE KEY-----"),
        Arguments.of("traditional EC", "ec", true, "-----BEGIN EC PRIVATE KEY-----"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyForms")
  void everyPemKeyFormOpenSslWritesIsRead(
      String form, String algorithm, boolean traditional, String header) throws Exception {
    TestPki.Leaf leaf = algorithm.equals("rsa") ? a : ec;
    Path key = leaf.key();
    if (traditional) {
      key = work.resolve("traditional.key");
      pki.openssl("pkey", "-in", leaf.key().toString(), "-traditional", "-out", key.toString());
    }
    assertThat(Files.readString(key)).contains(header);

    KeyMaterial material = TlsFiles.load(new PemFiles(leaf.chain(), key));

    assertThat(material.certificates()).containsExactly(TestPki.certificate(leaf.certificate()));
    assertThat(material.describe()).startsWith("CN=" + leaf.name() + " (serial ");
  }

  @Test
  void chainInAnyOrderIsServedLeafFirstWithoutDuplicates() throws Exception {
    Path chain =
        Files.writeString(
            work.resolve("mixed.pem"),
            Files.readString(pki.caCertificate())
                + "some text between blocks\n"
                + Files.readString(a.certificate())
                + Files.readString(pki.caCertificate()));

    KeyMaterial material = TlsFiles.load(new PemFiles(chain, a.key()));

    assertThat(material.keyStore().getCertificateChain("server"))
        .containsExactly(
            TestPki.certificate(a.certificate()), TestPki.certificate(pki.caCertificate()));
  }

  @Test
  void certificateAndKeyMayShareOneFile() throws Exception {
    Path both =
        Files.writeString(
            work.resolve("both.pem"), Files.readString(a.key()) + Files.readString(a.chain()));

    Optional<TlsSettings> settings =
        TlsSettings.fromEnvironment(
            Map.of("TLS_CERT_FILE", both.toString(), "TLS_KEY_FILE", both.toString()));

    assertThat(settings).isPresent();
  }

  /** One bad environment: what to set up, and what the message must say. */
  interface Environment {
    Map<String, String> in(Path work) throws Exception;
  }

  static Stream<Arguments> badSettings() {
    return Stream.of(
        bad(
            "certificate without key",
            w -> Map.of("TLS_CERT_FILE", a.chain().toString()),
            "TLS_CERT_FILE is set but TLS_KEY_FILE is not; TLS_KEY_FILE accepts a PEM file with"
                + " the private key"),
        bad(
            "key without certificate",
            w -> Map.of("TLS_KEY_FILE", a.key().toString()),
            "TLS_KEY_FILE is set but TLS_CERT_FILE is not"),
        bad(
            "keystore without password file",
            w -> Map.of("TLS_KEYSTORE", a.pkcs12().toString()),
            "TLS_KEYSTORE is set but TLS_KEYSTORE_PASSWORD_FILE is not;"
                + " TLS_KEYSTORE_PASSWORD_FILE accepts a file holding the keystore's password"),
        bad(
            "password file without keystore",
            w -> Map.of("TLS_KEYSTORE_PASSWORD_FILE", pki.passwordFile().toString()),
            "TLS_KEYSTORE_PASSWORD_FILE is set but TLS_KEYSTORE is not"),
        bad(
            "PEM and keystore together",
            w ->
                Map.of(
                    "TLS_CERT_FILE", a.chain().toString(),
                    "TLS_KEY_FILE", a.key().toString(),
                    "TLS_KEYSTORE", a.pkcs12().toString(),
                    "TLS_KEYSTORE_PASSWORD_FILE", pki.passwordFile().toString()),
            "are both set; set either a PEM certificate and key or a PKCS12 keystore"),
        bad(
            "reload interval that is not a duration, with another problem",
            w -> Map.of("TLS_RELOAD_INTERVAL", "soon", "TLS_CERT_FILE", a.chain().toString()),
            "TLS_RELOAD_INTERVAL=soon is not valid; it accepts a positive duration",
            "\nTLS_CERT_FILE is set but TLS_KEY_FILE is not"),
        bad(
            "reload interval of zero",
            w -> Map.of("TLS_RELOAD_INTERVAL", "0s"),
            "TLS_RELOAD_INTERVAL=0s is not valid"),
        bad(
            "certificate file missing",
            w -> pem(w.resolve("missing.crt"), a.key()),
            "TLS_CERT_FILE=",
            "missing.crt does not exist; it accepts a PEM file with the server's certificate"),
        bad(
            "key file missing",
            w -> pem(a.chain(), w.resolve("missing.key")),
            "missing.key does not exist; it accepts a PEM file with the certificate's unencrypted"
                + " RSA or EC private key: BEGIN PRIVATE KEY (PKCS#8), BEGIN RSA PRIVATE KEY or"
                + " BEGIN EC PRIVATE KEY"),
        bad(
            "keystore missing",
            w -> pkcs12(w.resolve("missing.p12"), pki.passwordFile()),
            "TLS_KEYSTORE=",
            "missing.p12 does not exist; it accepts a PKCS12 file"),
        bad(
            "password file missing",
            w -> pkcs12(a.pkcs12(), w.resolve("missing.txt")),
            "TLS_KEYSTORE_PASSWORD_FILE=",
            "missing.txt does not exist"),
        bad(
            "certificate file is a directory",
            w -> pem(w, a.key()),
            "TLS_CERT_FILE=",
            "cannot be read (it is a directory)"),
        bad(
            "certificate file larger than 1 MiB",
            w -> pem(Files.write(w.resolve("huge.crt"), new byte[(1 << 20) + 1]), a.key()),
            "huge.crt is larger than 1 MiB"),
        bad(
            "certificate file with a key only",
            w -> pem(a.key(), a.key()),
            "holds no certificate; it accepts a PEM file"),
        bad(
            "certificate that is not one",
            w ->
                pem(
                    write(w, "bad.crt", block("CERTIFICATE", new byte[] {0x30, 0x03, 1, 2, 3})),
                    a.key()),
            "bad.crt holds a certificate that cannot be read"),
        bad(
            "key file with certificates only",
            w -> pem(a.chain(), a.chain()),
            "holds no private key; it accepts a PEM file"),
        bad(
            "key file with two keys",
            w ->
                pem(
                    a.chain(),
                    write(w, "two.key", Files.readString(a.key()) + Files.readString(b.key()))),
            "two.key holds 2 keys; it accepts"),
        bad(
            "encrypted PKCS#8 key",
            w -> {
              Path key = w.resolve("encrypted.key");
              pki.openssl(
                  "pkcs8",
                  "-topk8",
                  "-in",
                  a.key().toString(),
                  "-passout",
                  "pass:key-secret",
                  "-out",
                  key.toString());
              return pem(a.chain(), key);
            },
            "encrypted.key holds an encrypted private key; it accepts an unencrypted one;"
                + " convert it with `openssl pkcs8 -topk8 -nocrypt -in ",
            "encrypted.key -out key.pem`"),
        bad(
            "encrypted traditional key",
            w -> {
              Path key = w.resolve("encrypted-rsa.key");
              pki.openssl(
                  "pkey",
                  "-in",
                  a.key().toString(),
                  "-traditional",
                  "-aes256",
                  "-passout",
                  "pass:key-secret",
                  "-out",
                  key.toString());
              return pem(a.chain(), key);
            },
            "encrypted-rsa.key holds an encrypted private key"),
        bad(
            "OpenSSH key",
            w -> pem(a.chain(), write(w, "id.key", block("OPENSSH PRIVATE KEY", new byte[] {1}))),
            "id.key holds a OPENSSH PRIVATE KEY, which is not supported; convert it with"),
        bad(
            "damaged key",
            w -> pem(a.chain(), write(w, "damaged.key", block("PRIVATE KEY", new byte[] {1, 2}))),
            "damaged.key holds a private key that is not RSA or EC, or is damaged; convert it"),
        bad(
            "key that is not base64",
            w ->
                pem(
                    a.chain(),
                    write(
                        w,
                        "text.key",
                        "-----BEGIN PRIVATE KEY-----\n*not base64*\n-----END PRIVATE KEY-----\n")),
            "text.key is not valid PEM"),
        bad(
            "EC key that does not name its curve",
            w -> pem(ec.chain(), write(w, "nocurve.key", block("EC PRIVATE KEY", withoutCurve()))),
            "nocurve.key holds a private key that is not RSA or EC, or is damaged"),
        bad(
            "key of another certificate",
            w -> pem(a.chain(), b.key()),
            "TLS_KEY_FILE=",
            "registry-b.key does not match any certificate in TLS_CERT_FILE=",
            "registry-a-chain.pem; they must be a key and its certificate"),
        bad(
            "EC key with an RSA certificate",
            w -> pem(a.chain(), ec.key()),
            "registry-ec.key does not match any certificate in TLS_CERT_FILE="),
        bad(
            "certificate path through a file",
            w -> pem(a.chain().resolve("tls.crt"), a.key()),
            "registry-a-chain.pem/tls.crt cannot be read (",
            "Not a directory); it accepts a PEM file"),
        bad(
            "wrong keystore password",
            w -> pkcs12(a.pkcs12(), write(w, "wrong.txt", "wrong-password-123\n")),
            "registry-a.p12 cannot be opened with the password in TLS_KEYSTORE_PASSWORD_FILE=",
            "wrong.txt: the password is wrong"),
        bad(
            "keystore that is a PEM file",
            w -> pkcs12(a.chain(), pki.passwordFile()),
            "registry-a-chain.pem is not a PKCS12 file (",
            "); it accepts a PKCS12 file (.p12, .pfx) with the private key and its certificate"),
        bad(
            "keystore without a key",
            w -> {
              Path store = w.resolve("certs-only.p12");
              pki.openssl(
                  "pkcs12",
                  "-export",
                  "-nokeys",
                  "-in",
                  pki.caCertificate().toString(),
                  "-passout",
                  "file:" + pki.passwordFile(),
                  "-out",
                  store.toString());
              return pkcs12(store, pki.passwordFile());
            },
            "certs-only.p12 holds no private key with its certificate"),
        bad(
            "keystore whose key has another password",
            w -> {
              Path store = w.resolve("keypass.jks");
              Tools.run(
                  w,
                  Tools.keytool(),
                  "-genkeypair",
                  "-alias",
                  "server",
                  "-keyalg",
                  "EC",
                  "-dname",
                  "CN=keypass",
                  "-keystore",
                  store.toString(),
                  "-storetype",
                  "JKS",
                  "-storepass",
                  TestPki.PASSWORD,
                  "-keypass",
                  "another-password");
              return pkcs12(store, pki.passwordFile());
            },
            "keypass.jks: the key \"server\" has a password other than the keystore's"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSettings")
  void badSettingsAreRefusedNamingTheVariable(
      String name, Environment environment, List<String> expected) throws Exception {
    Map<String, String> env = environment.in(work);

    assertThatThrownBy(() -> TlsSettings.fromEnvironment(env))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              for (String fragment : expected) {
                assertThat(e.getMessage()).contains(fragment);
              }
              assertThat(e.getMessage())
                  .doesNotContain(TestPki.PASSWORD)
                  .doesNotContain("wrong-password-123")
                  .doesNotContain("key-secret")
                  .doesNotContain("another-password");
            });
  }

  private static Arguments bad(String name, Environment environment, String... expected) {
    return Arguments.of(name, environment, List.of(expected));
  }

  private static Map<String, String> pem(Path certificate, Path key) {
    return Map.of("TLS_CERT_FILE", certificate.toString(), "TLS_KEY_FILE", key.toString());
  }

  private static Map<String, String> pkcs12(Path keystore, Path password) {
    return Map.of(
        "TLS_KEYSTORE", keystore.toString(), "TLS_KEYSTORE_PASSWORD_FILE", password.toString());
  }

  private static Path write(Path dir, String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
  }

  static String block(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** The EC test key as SEC1 {@code ECPrivateKey} without its {@code [0]} curve parameters. */
  private static byte[] withoutCurve() throws Exception {
    Path traditional = Files.createTempFile("ec", ".key");
    try {
      pki.openssl(
          "pkey", "-in", ec.key().toString(), "-traditional", "-out", traditional.toString());
      byte[] sec1 = Pem.blocks(Files.readAllBytes(traditional)).get(0).der();
      List<byte[]> kept = new ArrayList<>();
      for (Der.Element element : Der.elements(Der.single(sec1, Der.SEQUENCE).contents())) {
        if (element.tag() != Der.CONTEXT_0) {
          kept.add(element.encoded());
        }
      }
      return Der.tlv(Der.SEQUENCE, kept.toArray(new byte[0][]));
    } finally {
      Files.delete(traditional);
    }
  }
}
