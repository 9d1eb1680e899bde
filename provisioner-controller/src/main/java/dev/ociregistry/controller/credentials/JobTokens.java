package dev.ociregistry.controller.credentials;

import dev.ociregistry.postgres.PostgresDocuments;
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
 * only), or in the shared database when replicas share the registry. Nothing per job is stored, so
 * a restart keeps every credential valid, and a credential cannot be made without the key. Whether
 * it is accepted is a second question, which {@link ActiveJobs} answers.
 */
public final class JobTokens {
  /** The user-name prefix of job credentials. */
  public static final String USER_PREFIX = "job-";

  private static final int KEY_BYTES = 32;
  private static final String SHARED_DIRECTORY = "secrets";
  private static final String SHARED_NAME = "job-credentials.key";

  private final SecretKeySpec key;

  private JobTokens(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** The key in {@code keyFile}, made (durably, owner-only) when there is none yet. */
  public static JobTokens open(Path keyFile) throws IOException {
    if (!Files.exists(keyFile)) {
      Files.createDirectories(keyFile.getParent());
      Path temporary = Files.createTempFile(keyFile.getParent(), ".job-credentials", ".tmp");
      try {
        restrictToOwner(temporary);
        Files.write(temporary, randomKey());
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
    return new JobTokens(checked(Files.readAllBytes(keyFile), keyFile.toString()));
  }

  /**
   * The key every replica sharing {@code documents} uses, so that a credential one replica issued
   * is good on every other. The first replica to start stores it: the key in {@code localKeyFile}
   * when there is one (a site that ran one controller, or copied its key to each, keeps its
   * credentials valid), a random one otherwise. A local key that differs from the stored one is not
   * used.
   */
  public static JobTokens openShared(PostgresDocuments documents, Path localKeyFile)
      throws IOException {
    byte[] candidate =
        Files.exists(localKeyFile)
            ? checked(Files.readAllBytes(localKeyFile), localKeyFile.toString())
            : randomKey();
    byte[] stored = documents.putIfAbsent(SHARED_DIRECTORY, SHARED_NAME, candidate);
    return new JobTokens(checked(stored, "the shared " + SHARED_DIRECTORY + "/" + SHARED_NAME));
  }

  private static byte[] randomKey() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  private static byte[] checked(byte[] key, String source) throws IOException {
    if (key.length != KEY_BYTES) {
      throw new IOException(source + " is not a job credential key (" + KEY_BYTES + " bytes)");
    }
    return key;
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
