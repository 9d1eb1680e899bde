package dev.ociregistry.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests as the OCI spec writes them ({@code sha256:<64 hex>}), for tests. */
public final class Digests {
  private Digests() {}

  /** {@code sha256:<hex>} of {@code content}. */
  public static String sha256(byte[] content) {
    return "sha256:" + sha256Hex(content);
  }

  /** The 64 lower-case hex digits of the SHA-256 of {@code content}. */
  public static String sha256Hex(byte[] content) {
    return HexFormat.of().formatHex(newSha256().digest(content));
  }

  /** The hex part of {@code digest} ({@code <algorithm>:<hex>}), as a blob's file is named. */
  public static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }

  /** {@code sha256:<hex>} of everything {@code in} yields, read through a fixed buffer. */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest digest = newSha256();
    byte[] buffer = new byte[64 * 1024];
    int read;
    while ((read = in.read(buffer)) >= 0) {
      digest.update(buffer, 0, read);
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  /** {@code sha256:<hex>} of a file's content, streamed. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh SHA-256 {@link MessageDigest}. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
