package dev.ociregistry.servlet.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mindrot.jbcrypt.BCrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users from an htpasswd file, as Apache's {@code htpasswd -B} writes it ({@code user:$2y$...} per
 * line). The file is read again when it changes, so a user added or removed counts from the next
 * request on; a change that does not parse keeps the users as they were and is logged.
 *
 * <p>Weak formats ({@code $apr1$}, {@code {SHA}}, crypt) are refused, naming the file and line,
 * unless the operator allows them.
 */
public final class HtpasswdFile implements UserStore {
  private static final Logger LOG = LoggerFactory.getLogger(HtpasswdFile.class);
  private static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  private final Path file;
  private final boolean allowWeak;
  private volatile Loaded loaded;

  /** What one reading of the file gave, and the file's identity then. */
  private record Loaded(
      Map<String, PasswordHash> users, PasswordHash unknownUser, Object version, long generation) {}

  private HtpasswdFile(Path file, boolean allowWeak, Loaded loaded) {
    this.file = file;
    this.allowWeak = allowWeak;
    this.loaded = loaded;
  }

  /**
   * Reads the file.
   *
   * @throws InvalidHtpasswdException naming the file and line of the first entry it cannot use
   * @throws IOException when the file cannot be read
   */
  public static HtpasswdFile load(Path file, boolean allowWeak) throws IOException {
    Loaded loaded = read(file, allowWeak, 1);
    long weak = loaded.users().values().stream().filter(PasswordHash::weak).count();
    if (weak > 0) {
      LOG.warn(
          "{}: {} users have weak password hashes (accepted as REGISTRY_HTPASSWD_ALLOW_WEAK says);"
              + " rehash them with htpasswd -B",
          file,
          weak);
    }
    return new HtpasswdFile(file, allowWeak, loaded);
  }

  /** The number of users in the file as last read. */
  public int size() {
    return current().users().size();
  }

  @Override
  public boolean verify(String user, String password) {
    Loaded now = current();
    PasswordHash hash = now.users().get(user);
    if (hash == null) {
      now.unknownUser().matches(password);
      return false;
    }
    return hash.matches(password);
  }

  @Override
  public long generation() {
    return current().generation();
  }

  /** The users as the file holds them now, reading it again when it changed. */
  private Loaded current() {
    Loaded now = loaded;
    Object version;
    try {
      version = version(file);
    } catch (IOException e) {
      LOG.warn("{} cannot be read ({}); the users stay as they were", file, e.getMessage());
      return now;
    }
    if (Objects.equals(version, now.version())) {
      return now;
    }
    synchronized (this) {
      if (!Objects.equals(version, loaded.version())) {
        try {
          loaded = read(file, allowWeak, loaded.generation() + 1);
          LOG.info("{} changed: {} users", file, loaded.users().size());
        } catch (IOException e) {
          LOG.warn(
              "{} changed but is not usable ({}); the users stay as they were",
              file,
              e.getMessage());
          loaded = new Loaded(loaded.users(), loaded.unknownUser(), version, loaded.generation());
        }
      }
      return loaded;
    }
  }

  private static Object version(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return List.of(
        attributes.lastModifiedTime(),
        attributes.size(),
        Objects.requireNonNullElse(attributes.fileKey(), ""));
  }

  private static Loaded read(Path file, boolean allowWeak, long generation) throws IOException {
    Object version = version(file);
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new InvalidHtpasswdException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, PasswordHash> users = new HashMap<>();
    int highestCost = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + ":" + (i + 1);
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new InvalidHtpasswdException(where + ": not a user:hash line");
      }
      String user = line.substring(0, colon);
      PasswordHash hash =
          PasswordHash.parse(line.substring(colon + 1))
              .orElseThrow(
                  () ->
                      new InvalidHtpasswdException(
                          where + ": user " + user + " has a password hash in no known format"));
      if (hash.weak() && !allowWeak) {
        throw new InvalidHtpasswdException(
            where
                + ": user "
                + user
                + " has a weak password hash; rehash it with htpasswd -B, or set"
                + " REGISTRY_HTPASSWD_ALLOW_WEAK=true");
      }
      if (users.putIfAbsent(user, hash) != null) {
        throw new InvalidHtpasswdException(where + ": user " + user + " is listed twice");
      }
      if (hash instanceof PasswordHash.Bcrypt bcrypt) {
        highestCost = Math.max(highestCost, bcrypt.cost());
      }
    }
    // Checked for a user the file does not hold, at the cost its users' hashes have.
    PasswordHash unknownUser =
        new PasswordHash.Bcrypt(
            BCrypt.hashpw("unknown user", BCrypt.gensalt(highestCost == 0 ? 10 : highestCost)));
    return new Loaded(Map.copyOf(users), unknownUser, version, generation);
  }

  /** An htpasswd file this registry cannot use; the message names the file and line. */
  public static final class InvalidHtpasswdException extends IOException {
    private static final long serialVersionUID = 1L;

    InvalidHtpasswdException(String message) {
      super(message);
    }
  }
}
