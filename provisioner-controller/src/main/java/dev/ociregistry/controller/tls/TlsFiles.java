package dev.ociregistry.controller.tls;

import dev.ociregistry.controller.config.ConfigException;
import dev.ociregistry.controller.tls.TlsSettings.PemFiles;
import dev.ociregistry.controller.tls.TlsSettings.Pkcs12File;
import dev.ociregistry.controller.tls.TlsSettings.Source;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the files of a {@link Source} and turns them into {@link KeyMaterial}, with messages that
 * name the variable, the file and what it accepts. Only JDK APIs: {@code CertificateFactory} for
 * certificates, {@code KeyFactory} with a PKCS#8 spec for keys, {@code KeyStore} for PKCS12.
 */
final class TlsFiles {
  /** Larger files are refused: no certificate, key or password file is anywhere near this. */
  static final int MAX_FILE_SIZE = 1 << 20;

  private static final String CERT_ACCEPTS =
      "a PEM file with the server's certificate and any intermediates (BEGIN CERTIFICATE)";
  private static final String KEY_ACCEPTS =
      "a PEM file with the certificate's unencrypted RSA or EC private key: BEGIN PRIVATE KEY"
          + " (PKCS#8), BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY";
  private static final String KEYSTORE_ACCEPTS =
      "a PKCS12 file (.p12, .pfx) with the private key and its certificate chain";
  private static final String PASSWORD_ACCEPTS = "a file holding the keystore's password";

  private TlsFiles() {}

  /** The bytes of a source's two files, read once, so that what is checked is what is served. */
  record Snapshot(byte[] first, byte[] second) {
    /** A digest of both files: equal snapshots have equal fingerprints. */
    String fingerprint() {
      try {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, first.length));
        digest.update(first);
        digest.update(second);
        return HexFormat.of().formatHex(digest.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
  }

  /** Reads and checks the files now. */
  static KeyMaterial load(Source source) throws ConfigException {
    return parse(source, read(source));
  }

  /** Reads both files of {@code source}. */
  static Snapshot read(Source source) throws ConfigException {
    if (source instanceof PemFiles pem) {
      return new Snapshot(
          file(TlsSettings.CERT_FILE, pem.certificateFile(), CERT_ACCEPTS),
          file(TlsSettings.KEY_FILE, pem.keyFile(), KEY_ACCEPTS));
    }
    Pkcs12File pkcs12 = (Pkcs12File) source;
    return new Snapshot(
        file(TlsSettings.KEYSTORE, pkcs12.keystoreFile(), KEYSTORE_ACCEPTS),
        file(TlsSettings.KEYSTORE_PASSWORD_FILE, pkcs12.passwordFile(), PASSWORD_ACCEPTS));
  }

  /** Checks what {@link #read} found and makes key material of it. */
  static KeyMaterial parse(Source source, Snapshot snapshot) throws ConfigException {
    if (source instanceof PemFiles pem) {
      return pem(pem, snapshot);
    }
    return pkcs12((Pkcs12File) source, snapshot);
  }

  private static byte[] file(String variable, Path path, String accepts) throws ConfigException {
    String named = variable + "=" + path;
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_FILE_SIZE + 1);
      if (bytes.length > MAX_FILE_SIZE) {
        throw new ConfigException(named + " is larger than 1 MiB; it accepts " + accepts);
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new ConfigException(named + " does not exist; it accepts " + accepts);
    } catch (AccessDeniedException e) {
      throw new ConfigException(named + " cannot be read (permission denied)");
    } catch (IOException e) {
      String reason =
          Files.isDirectory(path)
              ? "it is a directory"
              : e instanceof FileSystemException f && f.getReason() != null
                  ? f.getReason()
                  : e.getMessage();
      throw new ConfigException(named + " cannot be read (" + reason + "); it accepts " + accepts);
    }
  }

  private static KeyMaterial pem(PemFiles pem, Snapshot snapshot) throws ConfigException {
    List<X509Certificate> certificates = certificates(pem.certificateFile(), snapshot.first());
    PrivateKey key = privateKey(pem.keyFile(), snapshot.second());
    for (X509Certificate certificate : certificates) {
      if (KeyMaterial.matches(key, certificate.getPublicKey())) {
        return new KeyMaterial(
            List.of(
                new KeyMaterial.Entry(
                    "server", key, KeyMaterial.chain(certificate, certificates))));
      }
    }
    throw new ConfigException(
        TlsSettings.KEY_FILE
            + "="
            + pem.keyFile()
            + " does not match any certificate in "
            + TlsSettings.CERT_FILE
            + "="
            + pem.certificateFile()
            + "; they must be a key and its certificate");
  }

  private static List<X509Certificate> certificates(Path path, byte[] content)
      throws ConfigException {
    String named = TlsSettings.CERT_FILE + "=" + path;
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Pem.Block block : Pem.blocks(content)) {
        if (block.type().equals("CERTIFICATE")) {
          certificates.add(
              (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
        }
      }
    } catch (CertificateException | IllegalArgumentException e) {
      throw new ConfigException(
          named + " holds a certificate that cannot be read (" + e.getMessage() + ")");
    }
    if (certificates.isEmpty()) {
      throw new ConfigException(named + " holds no certificate; it accepts " + CERT_ACCEPTS);
    }
    return certificates;
  }

  private static PrivateKey privateKey(Path path, byte[] content) throws ConfigException {
    String named = TlsSettings.KEY_FILE + "=" + path;
    String convert =
        "; convert it with `openssl pkcs8 -topk8 -nocrypt -in " + path + " -out key.pem`";
    List<Pem.Block> keys = new ArrayList<>();
    try {
      for (Pem.Block block : Pem.blocks(content)) {
        if (block.type().endsWith("PRIVATE KEY")) {
          keys.add(block);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(named + " is not valid PEM (" + e.getMessage() + ")" + convert);
    }
    if (keys.size() != 1) {
      throw new ConfigException(
          named
              + (keys.isEmpty() ? " holds no private key" : " holds " + keys.size() + " keys")
              + "; it accepts "
              + KEY_ACCEPTS);
    }
    Pem.Block block = keys.get(0);
    if (block.type().equals("ENCRYPTED PRIVATE KEY") || block.hasHeaders()) {
      throw new ConfigException(
          named + " holds an encrypted private key; it accepts an unencrypted one" + convert);
    }
    try {
      return switch (block.type()) {
        case "PRIVATE KEY" -> key(block.der(), "RSA", "EC");
        case "RSA PRIVATE KEY" ->
            key(
                Der.tlv(
                    Der.SEQUENCE,
                    Der.VERSION_0,
                    Der.tlv(Der.SEQUENCE, Der.RSA_ENCRYPTION, Der.NULL),
                    Der.tlv(Der.OCTET_STRING, block.der())),
                "RSA");
        case "EC PRIVATE KEY" ->
            key(
                Der.tlv(
                    Der.SEQUENCE,
                    Der.VERSION_0,
                    Der.tlv(Der.SEQUENCE, Der.EC_PUBLIC_KEY, namedCurve(block.der())),
                    Der.tlv(Der.OCTET_STRING, block.der())),
                "EC");
        default ->
            throw new ConfigException(
                named + " holds a " + block.type() + ", which is not supported" + convert);
      };
    } catch (InvalidKeySpecException | IllegalArgumentException e) {
      throw new ConfigException(
          named + " holds a private key that is not RSA or EC, or is damaged" + convert);
    }
  }

  /** The curve's OID (as a whole TLV) from a SEC1 {@code ECPrivateKey}'s {@code [0]} parameters. */
  private static byte[] namedCurve(byte[] sec1) {
    for (Der.Element element : Der.elements(Der.single(sec1, Der.SEQUENCE).contents())) {
      if (element.tag() == Der.CONTEXT_0) {
        return Der.single(element.contents(), Der.OBJECT_IDENTIFIER).encoded();
      }
    }
    throw new IllegalArgumentException("the EC key does not name its curve");
  }

  private static PrivateKey key(byte[] pkcs8, String... algorithms) throws InvalidKeySpecException {
    InvalidKeySpecException last = new InvalidKeySpecException("no algorithm");
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (InvalidKeySpecException e) {
        last = e;
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has " + algorithm, e);
      }
    }
    throw last;
  }

  private static KeyMaterial pkcs12(Pkcs12File pkcs12, Snapshot snapshot) throws ConfigException {
    String named = TlsSettings.KEYSTORE + "=" + pkcs12.keystoreFile();
    char[] password = password(snapshot.second());
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try {
        store.load(new ByteArrayInputStream(snapshot.first()), password);
      } catch (IOException e) {
        if (e.getCause() instanceof UnrecoverableKeyException) {
          throw new ConfigException(
              named
                  + " cannot be opened with the password in "
                  + TlsSettings.KEYSTORE_PASSWORD_FILE
                  + "="
                  + pkcs12.passwordFile()
                  + ": the password is wrong");
        }
        throw new ConfigException(
            named
                + " is not a PKCS12 file ("
                + e.getMessage()
                + "); it accepts "
                + KEYSTORE_ACCEPTS);
      }
      List<KeyMaterial.Entry> entries = new ArrayList<>();
      for (String alias : Collections.list(store.aliases())) {
        Certificate[] chain = store.getCertificateChain(alias);
        if (!store.isKeyEntry(alias) || chain == null) {
          continue;
        }
        Key key;
        try {
          key = store.getKey(alias, password);
        } catch (UnrecoverableKeyException e) {
          throw new ConfigException(
              named
                  + ": the key \""
                  + alias
                  + "\" has a password other than the keystore's; it accepts a PKCS12 file whose"
                  + " keys have the password in "
                  + TlsSettings.KEYSTORE_PASSWORD_FILE);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : chain) {
          certificates.add((X509Certificate) certificate);
        }
        entries.add(new KeyMaterial.Entry(alias, (PrivateKey) key, certificates));
      }
      if (entries.isEmpty()) {
        throw new ConfigException(
            named + " holds no private key with its certificate; it accepts " + KEYSTORE_ACCEPTS);
      }
      return new KeyMaterial(entries);
    } catch (GeneralSecurityException e) {
      throw new ConfigException(named + " cannot be read (" + e.getMessage() + ")");
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** The password file's text, without the line ending that editors and {@code echo} add. */
  private static char[] password(byte[] content) {
    CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(content));
    int end = chars.limit();
    while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
      end--;
    }
    char[] password = new char[end];
    chars.get(password);
    Arrays.fill(chars.array(), '\0');
    return password;
  }
}
