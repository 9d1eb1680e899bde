package dev.ociregistry.servlet.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AccessPolicy} read from a file and read again when the file changes; a change that does
 * not parse keeps the policy as it was and is logged.
 */
public final class PolicyFile implements Supplier<AccessPolicy> {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyFile.class);
  private static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  private final Path file;
  private volatile AccessPolicy policy;
  private volatile Object version;

  private PolicyFile(Path file, AccessPolicy policy, Object version) {
    this.file = file;
    this.policy = policy;
    this.version = version;
  }

  /**
   * Reads the file.
   *
   * @throws AccessPolicy.InvalidPolicyException naming the file and line of what is wrong
   * @throws IOException when it cannot be read
   */
  public static PolicyFile load(Path file) throws IOException {
    Object version = version(file);
    return new PolicyFile(file, read(file), version);
  }

  /** The policy as the file holds it now. */
  @Override
  public AccessPolicy get() {
    Object now;
    try {
      now = version(file);
    } catch (IOException e) {
      LOG.warn("{} cannot be read ({}); the policy stays as it was", file, e.getMessage());
      return policy;
    }
    if (!Objects.equals(now, version)) {
      synchronized (this) {
        if (!Objects.equals(now, version)) {
          try {
            policy = read(file);
            LOG.info("{} changed; the new policy applies", file);
          } catch (IOException e) {
            LOG.warn(
                "{} changed but is not usable ({}); the policy stays as it was",
                file,
                e.getMessage());
          }
          version = now;
        }
      }
    }
    return policy;
  }

  private static AccessPolicy read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new AccessPolicy.InvalidPolicyException(
          file + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    return AccessPolicy.parse(Files.readAllBytes(file), file.toString());
  }

  private static Object version(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return List.of(
        attributes.lastModifiedTime(),
        attributes.size(),
        Objects.requireNonNullElse(attributes.fileKey(), ""));
  }
}
