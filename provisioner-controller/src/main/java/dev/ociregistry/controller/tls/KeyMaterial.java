package dev.ociregistry.controller.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Private keys with their certificate chains, checked, and held in an in-memory PKCS12 {@link
 * KeyStore} under a random password of its own, so that no password a user wrote reaches Jetty.
 */
final class KeyMaterial {
  private static final byte[] PROBE = "oci-registry key check".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One key and its chain, the server's certificate first. */
  record Entry(String alias, PrivateKey key, List<X509Certificate> chain) {
    X509Certificate certificate() {
      return chain.get(0);
    }
  }

  private final List<Entry> entries;
  private final KeyStore keyStore;
  private final String password;

  KeyMaterial(List<Entry> entries) {
    this.entries = List.copyOf(entries);
    byte[] random = new byte[18];
    RANDOM.nextBytes(random);
    this.password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    try {
      keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      for (Entry entry : entries) {
        keyStore.setKeyEntry(
            entry.alias(),
            entry.key(),
            password.toCharArray(),
            entry.chain().toArray(new X509Certificate[0]));
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK cannot hold a key in a PKCS12 key store", e);
    }
  }

  KeyStore keyStore() {
    return keyStore;
  }

  /** The in-memory key store's own password (random; never one a user wrote). */
  String password() {
    return password;
  }

  /** The certificates served, one per key. */
  List<X509Certificate> certificates() {
    return entries.stream().map(Entry::certificate).collect(Collectors.toUnmodifiableList());
  }

  /** {@code subject ..., serial ..., valid until ...} for each certificate served. */
  String describe() {
    return entries.stream()
        .map(Entry::certificate)
        .map(
            c ->
                c.getSubjectX500Principal().getName()
                    + " (serial "
                    + c.getSerialNumber().toString(16)
                    + ", valid until "
                    + c.getNotAfter().toInstant()
                    + ")")
        .collect(Collectors.joining("; "));
  }

  /** What is wrong with the certificates' validity at {@code now}: expired or not yet valid. */
  List<String> validityProblems(Instant now) {
    List<String> problems = new ArrayList<>();
    for (Entry entry : entries) {
      X509Certificate certificate = entry.certificate();
      String subject = certificate.getSubjectX500Principal().getName();
      if (now.isAfter(certificate.getNotAfter().toInstant())) {
        problems.add(subject + " expired at " + certificate.getNotAfter().toInstant());
      } else if (now.isBefore(certificate.getNotBefore().toInstant())) {
        problems.add(subject + " is not valid before " + certificate.getNotBefore().toInstant());
      }
    }
    return problems;
  }

  /** Whether {@code key} (RSA or EC) is the private half of {@code publicKey}. */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * {@code leaf}, then the other certificates of {@code certificates} once each, in their order.
   */
  static List<X509Certificate> chain(X509Certificate leaf, List<X509Certificate> certificates) {
    List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
    for (X509Certificate certificate : certificates) {
      if (!chain.contains(certificate)) {
        chain.add(certificate);
      }
    }
    return chain;
  }
}
