package dev.ociregistry.controller.credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pull credential of each job: user {@code job-<id>}, and as password a keyed hash of the id
 * under a key kept in the data directory (made at random on first start, readable by its owner
 * only). Nothing per job is stored, so a restart keeps every credential valid, and a credential
 * cannot be made without the key. Whether it is accepted is a second question, which {@link
 * ActiveJobs} answers.
 */
public final class JobTokens {
  /** The user-name prefix of job credentials. */
  public static final String USER_PREFIX = "job-";

  private static final int KEY_BYTES = 32;

  private final SecretKeySpec key;

  private JobTokens(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** The key in {@code keyFile}, made (durably, owner-only) when there is none yet. */
  public static JobTokens open(Path keyFile) throws IOException {
    if (!Files.exists(keyFile)) {
      Files.createDirectories(keyFile.getParent());
      byte[] key = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(key);
      Path temporary = Files.createTempFile(keyFile.getParent(), ".job-credentials", ".tmp");
      try {
        restrictToOwner(temporary);
        Files.write(temporary, key);
        try (var channel =
            java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        try {
          Files.move(temporary, keyFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
          // another start made one first; use that
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    }
    byte[] key = Files.readAllBytes(keyFile);
    if (key.length != KEY_BYTES) {
      throw new IOException(keyFile + " is not a job credential key (" + KEY_BYTES + " bytes)");
    }
    return new JobTokens(key);
  }

  /** The user name of job {@code id}'s credential. */
  public static String userOf(UUID id) {
    return USER_PREFIX + id;
  }

  /** The job a credential user name names, if it is one. */
  public static Optional<UUID> jobOf(String user) {
    if (!user.startsWith(USER_PREFIX)) {
      return Optional.empty();
    }
    try {
      UUID id = UUID.fromString(user.substring(USER_PREFIX.length()));
      return id.toString().equals(user.substring(USER_PREFIX.length()))
          ? Optional.of(id)
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The password of job {@code id}'s credential. */
  public String passwordOf(UUID id) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(id));
  }

  /** Whether {@code password} is job {@code id}'s, compared in constant time. */
  public boolean matches(UUID id, String password) {
    return MessageDigest.isEqual(
        passwordOf(id).getBytes(StandardCharsets.US_ASCII),
        password.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] mac(UUID id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(("job credential " + id).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  private static void restrictToOwner(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's own permissions protect it
    }
  }
}
