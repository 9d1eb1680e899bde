package dev.ociregistry.controller.tls;

import dev.ociregistry.testkit.Commands;
import dev.ociregistry.testkit.TestSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A test certificate authority and server certificates it signed, made once per test JVM with
 * {@code keytool} (keys, signing) and {@code openssl} (PEM exports, PKCS12 files as admins make
 * them), in a temporary directory removed when the JVM exits. Tests copy the files they change.
 */
final class TestPki {
  /** The password of every PKCS12 file here; {@link #passwordFile()} holds it and a newline. */
  static final String PASSWORD = "tls-test-password";

  static final String SAN = "SAN=ip:127.0.0.1,dns:localhost";

  private static TestPki shared;

  private final Path dir;
  private final Path caKeystore;
  private final Path caCertificate;
  private final Path passwordFile;
  private final Map<String, Leaf> leaves = new HashMap<>();

  /**
   * A server certificate: {@code selfSigned} is keytool's PKCS12 with the key and a self-signed
   * certificate; {@code certificate} the one the CA signed, {@code chain} it and the CA's in PEM,
   * {@code key} the PKCS#8 PEM key as {@code openssl pkcs12 -nocerts -nodes} writes it, {@code
   * pkcs12} the key and chain as {@code openssl pkcs12 -export} writes them.
   */
  record Leaf(String name, Path selfSigned, Path certificate, Path chain, Path key, Path pkcs12) {}

  private TestPki(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    TestSecrets.record(PASSWORD);
    this.passwordFile = Files.writeString(dir.resolve("password.txt"), PASSWORD + "\n");
    this.caKeystore = dir.resolve("ca.p12");
    this.caCertificate = dir.resolve("ca.crt");
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=oci-registry test CA",
        "-ext",
        "bc:c",
        "-validity",
        "30",
        "-keystore",
        caKeystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        caKeystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        caCertificate.toString());
  }

  /** The one authority of this JVM's tests. */
  static synchronized TestPki shared() throws IOException, InterruptedException {
    if (shared == null) {
      Path dir = Files.createTempDirectory("tls-pki");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
      shared = new TestPki(dir);
    }
    return shared;
  }

  /** The CA's certificate in PEM, what clients are told to trust. */
  Path caCertificate() {
    return caCertificate;
  }

  /** A file holding {@link #PASSWORD} and a newline. */
  Path passwordFile() {
    return passwordFile;
  }

  /** An RSA server certificate for 127.0.0.1 and localhost with CN {@code name}, made once. */
  Leaf rsa(String name) throws IOException, InterruptedException {
    return leaf(name, "-keyalg", "RSA", "-keysize", "2048");
  }

  /** An EC (P-256) server certificate for 127.0.0.1 and localhost with CN {@code name}. */
  Leaf ec(String name) throws IOException, InterruptedException {
    return leaf(name, "-keyalg", "EC", "-groupname", "secp256r1");
  }

  /** A self-signed RSA certificate that expired yesterday, in keytool's PKCS12. */
  Path expiredSelfSigned() throws IOException, InterruptedException {
    Path store = dir.resolve("expired.p12");
    if (!Files.exists(store)) {
      keytool(
          "-genkeypair",
          "-alias",
          "server",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-dname",
          "CN=expired",
          "-ext",
          SAN,
          "-startdate",
          "-3d",
          "-validity",
          "2",
          "-keystore",
          store.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          PASSWORD);
    }
    return store;
  }

  private synchronized Leaf leaf(String name, String... keyArguments)
      throws IOException, InterruptedException {
    Leaf existing = leaves.get(name);
    if (existing != null) {
      return existing;
    }
    Path selfSigned = dir.resolve(name + "-self.p12");
    Path request = dir.resolve(name + ".csr");
    Path certificate = dir.resolve(name + ".crt");
    Path chain = dir.resolve(name + "-chain.pem");
    Path key = dir.resolve(name + ".key");
    Path pkcs12 = dir.resolve(name + ".p12");
    List<String> generate =
        new ArrayList<>(List.of("-genkeypair", "-alias", "server", "-dname", "CN=" + name));
    generate.addAll(List.of(keyArguments));
    generate.addAll(
        List.of(
            "-ext",
            SAN,
            "-validity",
            "30",
            "-keystore",
            selfSigned.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            PASSWORD));
    keytool(generate.toArray(new String[0]));
    keytool(
        "-certreq",
        "-alias",
        "server",
        "-keystore",
        selfSigned.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        request.toString());
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        caKeystore.toString(),
        "-storepass",
        PASSWORD,
        "-infile",
        request.toString(),
        "-outfile",
        certificate.toString(),
        "-rfc",
        "-ext",
        SAN,
        "-validity",
        "30");
    Files.writeString(chain, Files.readString(certificate) + Files.readString(caCertificate));
    openssl(
        "pkcs12",
        "-in",
        selfSigned.toString(),
        "-nocerts",
        "-nodes",
        "-passin",
        "file:" + passwordFile,
        "-out",
        key.toString());
    openssl(
        "pkcs12",
        "-export",
        "-inkey",
        key.toString(),
        "-in",
        chain.toString(),
        "-name",
        "server",
        "-passout",
        "file:" + passwordFile,
        "-out",
        pkcs12.toString());
    Leaf leaf = new Leaf(name, selfSigned, certificate, chain, key, pkcs12);
    leaves.put(name, leaf);
    return leaf;
  }

  /** Runs {@code openssl} here. */
  Commands.Result openssl(String... arguments) throws IOException, InterruptedException {
    return Tools.run(dir, Tools.openssl(), arguments);
  }

  private void keytool(String... arguments) throws IOException, InterruptedException {
    Tools.run(dir, Tools.keytool(), arguments);
  }

  /** The certificate in a PEM or DER file. */
  static X509Certificate certificate(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalStateException("not a certificate: " + file, e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a JVM's exit for
    }
  }
}
