package dev.ociregistry.controller.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of the TLS tests: an {@link SSLContext} trusting exactly the certificates given,
 * and one request on a fresh connection that reports the certificate the server presented.
 */
final class TlsClient {
  private TlsClient() {}

  /** A context that trusts the certificates in {@code pemFiles} and nothing else. */
  static SSLContext trusting(Path... pemFiles) throws IOException, GeneralSecurityException {
    List<Certificate> certificates = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    for (Path file : pemFiles) {
      try (InputStream in = Files.newInputStream(file)) {
        certificates.addAll(factory.generateCertificates(in));
      }
    }
    return trusting(certificates);
  }

  /** A context that trusts {@code certificates} and nothing else. */
  static SSLContext trusting(List<? extends Certificate> certificates)
      throws IOException, GeneralSecurityException {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    int n = 0;
    for (Certificate certificate : certificates) {
      trusted.setCertificateEntry("trusted-" + n++, certificate);
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** What one request on a new connection got: the status and the server's certificate. */
  record Answer(int status, X509Certificate certificate) {
    String commonName() {
      return certificate.getSubjectX500Principal().getName();
    }
  }

  /**
   * {@code GET path} on a new TLS connection to 127.0.0.1:{@code port}, the server's name checked
   * as HTTPS clients check it, with {@code Host: host}.
   */
  static Answer get(SSLContext context, int port, String host, String path) throws IOException {
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      X509Certificate certificate = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!response.startsWith("HTTP/1.1 ")) {
        throw new IOException("not an HTTP response: " + response);
      }
      return new Answer(Integer.parseInt(response.substring(9, 12)), certificate);
    }
  }

  /** {@code GET /} with {@code Host: 127.0.0.1:port}. */
  static Answer get(SSLContext context, int port) throws IOException {
    return get(context, port, "127.0.0.1:" + port, "/");
  }
}
