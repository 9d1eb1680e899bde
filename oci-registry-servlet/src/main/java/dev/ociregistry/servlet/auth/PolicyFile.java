package dev.ociregistry.servlet.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * An {@link AccessPolicy} read from a file and read again when the file changes; a change that does
 * not parse keeps the policy as it was and is logged. Thread-safe.
 */
public final class PolicyFile implements Supplier<AccessPolicy> {
  private static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  private final ReloadingFile<AccessPolicy> file;

  private PolicyFile(ReloadingFile<AccessPolicy> file) {
    this.file = file;
  }

  /**
   * Reads the file.
   *
   * @param file the policy file, JSON; at most 4 MiB
   * @return the policy, read again whenever the file changes
   * @throws AccessPolicy.InvalidPolicyException naming the file and line of what is wrong
   * @throws IOException when it cannot be read
   */
  public static PolicyFile load(Path file) throws IOException {
    return new PolicyFile(ReloadingFile.load(file, PolicyFile::read));
  }

  /** The policy as the file holds it now. */
  @Override
  public AccessPolicy get() {
    return file.get();
  }

  private static AccessPolicy read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new AccessPolicy.InvalidPolicyException(
          file + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    return AccessPolicy.parse(Files.readAllBytes(file), file.toString());
  }
}
