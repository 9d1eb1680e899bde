package dev.ociregistry.core.model;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A repository name such as {@code os-images/ubuntu-rootfs}: path components that match the
 * distribution-spec grammar, at most {@value #MAX_LENGTH} characters in all. No component can be
 * empty, {@code .}, {@code ..}, or start with {@code _}, so a name maps safely onto directories.
 *
 * <p>{@link #toString} gives the name; names order by it, as the catalog lists them.
 *
 * @param value the name, e.g. {@code os-images/ubuntu-rootfs}
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-manifests">
 *     distribution-spec: the name grammar</a>
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {
  /** The longest name accepted. */
  public static final int MAX_LENGTH = 255;

  private static final Pattern GRAMMAR =
      Pattern.compile(
          "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

  /**
   * Checks the name; {@link #parse} is the same.
   *
   * @param value the name
   * @throws RegistryException with {@link ErrorCode#NAME_INVALID} when {@link #isValid} is false
   */
  public RepositoryName {
    if (!isValid(value)) {
      throw new RegistryException(
          ErrorCode.NAME_INVALID, "invalid repository name: " + abbreviate(value));
    }
  }

  /**
   * Parses a repository name.
   *
   * @param text the name from a URL or a setting; null is invalid
   * @return the name
   * @throws RegistryException with {@link ErrorCode#NAME_INVALID} when it breaks the grammar
   */
  public static RepositoryName parse(String text) {
    return new RepositoryName(text);
  }

  /**
   * {@return whether {@code text} is a valid repository name}
   *
   * @param text any string, or null (not valid)
   */
  public static boolean isValid(String text) {
    return text != null
        && !text.isEmpty()
        && text.length() <= MAX_LENGTH
        && GRAMMAR.matcher(text).matches();
  }

  /** {@return the path components, e.g. {@code [os-images, ubuntu-rootfs]}; never empty} */
  public List<String> components() {
    return List.of(value.split("/"));
  }

  /**
   * {@return whether this name is {@code namespace} or lies under it ({@code namespace/...})}; by
   * whole components, so {@code team-ab} is not within {@code team-a}
   *
   * @param namespace a name or a leading part of one, without a trailing {@code /}
   */
  public boolean isWithin(String namespace) {
    return value.equals(namespace) || value.startsWith(namespace + "/");
  }

  @Override
  public String toString() {
    return value;
  }

  @Override
  public int compareTo(RepositoryName other) {
    return value.compareTo(other.value);
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "(missing)";
    }
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
