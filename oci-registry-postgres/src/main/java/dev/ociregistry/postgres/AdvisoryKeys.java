package dev.ociregistry.postgres;

import dev.ociregistry.core.digest.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 64-bit keys of advisory locks: the first eight bytes of a SHA-256, so keys of different
 * things (a digest, a tag) spread evenly and two of them share a key only by a 2^-64 chance, which
 * would only serialize them.
 */
final class AdvisoryKeys {
  private AdvisoryKeys() {}

  static long of(Digest digest) {
    return of(("digest " + digest).getBytes(StandardCharsets.UTF_8));
  }

  static long of(byte[] name) {
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(name)).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
