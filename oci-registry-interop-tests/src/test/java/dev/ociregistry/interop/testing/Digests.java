package dev.ociregistry.interop.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in the OCI form {@code sha256:<hex>}, computed here and never by a client. */
public final class Digests {
  private Digests() {}

  public static String sha256(byte[] content) {
    MessageDigest digest = newDigest();
    digest.update(content);
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  public static String sha256(Path file) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  /** The hex part of {@code sha256:<hex>}. */
  public static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
