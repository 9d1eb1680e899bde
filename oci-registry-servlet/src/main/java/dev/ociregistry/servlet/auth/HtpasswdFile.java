package dev.ociregistry.servlet.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mindrot.jbcrypt.BCrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users from an htpasswd file, as Apache's {@code htpasswd -B} writes it ({@code user:$2y$...} per
 * line). The file is read again when it changes, so a user added or removed counts from the next
 * request on; a change that does not parse keeps the users as they were and is logged.
 *
 * <p>Weak formats ({@code $apr1$}, {@code {SHA}}, crypt) are refused, naming the file and line,
 * unless the operator allows them. Thread-safe.
 */
public final class HtpasswdFile implements UserStore {
  private static final Logger LOG = LoggerFactory.getLogger(HtpasswdFile.class);
  private static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  private final ReloadingFile<Users> file;

  /** What one reading of the file gave. */
  private record Users(Map<String, PasswordHash> byName, PasswordHash unknownUser) {}

  private HtpasswdFile(ReloadingFile<Users> file) {
    this.file = file;
  }

  /**
   * Reads the file.
   *
   * @param file the htpasswd file; at most 4 MiB
   * @param allowWeak whether weak hash formats are accepted (and logged as a warning)
   * @return the users, read again whenever the file changes
   * @throws InvalidHtpasswdException naming the file and line of the first entry it cannot use
   * @throws IOException when the file cannot be read
   */
  public static HtpasswdFile load(Path file, boolean allowWeak) throws IOException {
    ReloadingFile<Users> reloading = ReloadingFile.load(file, path -> read(path, allowWeak));
    long weak = reloading.get().byName().values().stream().filter(PasswordHash::weak).count();
    if (weak > 0) {
      LOG.warn(
          "{}: {} users have weak password hashes (accepted as REGISTRY_HTPASSWD_ALLOW_WEAK says);"
              + " rehash them with htpasswd -B",
          file,
          weak);
    }
    return new HtpasswdFile(reloading);
  }

  /** {@return the number of users in the file as last read}, reading it again if it changed */
  public int size() {
    return file.get().byName().size();
  }

  @Override
  public boolean verify(String user, String password) {
    Users now = file.get();
    PasswordHash hash = now.byName().get(user);
    if (hash == null) {
      now.unknownUser().matches(password);
      return false;
    }
    return hash.matches(password);
  }

  @Override
  public long generation() {
    return file.generation();
  }

  private static Users read(Path file, boolean allowWeak) throws IOException {
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
    return new Users(Map.copyOf(users), unknownUser);
  }

  /** An htpasswd file this registry cannot use; the message names the file and line. */
  public static final class InvalidHtpasswdException extends IOException {
    private static final long serialVersionUID = 1L;

    InvalidHtpasswdException(String message) {
      super(message);
    }
  }
}
