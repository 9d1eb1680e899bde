package dev.ociregistry.core.model;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import java.util.regex.Pattern;

/**
 * A tag such as {@code 22.04}: {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. A tag never contains
 * {@code /} and never starts with {@code .} or {@code -}, so it is safe as a file name.
 *
 * <p>{@link #toString} gives the tag. Tags compare case-sensitively, code point by code point;
 * listings use {@link #LISTING_ORDER} instead.
 *
 * @param value the tag, e.g. {@code 22.04}
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-manifests">
 *     distribution-spec: the tag grammar</a>
 */
public record Tag(String value) implements Comparable<Tag> {
  /**
   * The order tags are listed in: case-insensitive, as the spec's "lexical order (i.e.
   * case-insensitive alphanumeric order)", with case breaking ties so the order is total.
   */
  public static final java.util.Comparator<String> LISTING_ORDER =
      String.CASE_INSENSITIVE_ORDER.thenComparing(java.util.Comparator.naturalOrder());

  /** The longest tag accepted. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  /**
   * Checks the tag; {@link #parse} is the same.
   *
   * @param value the tag
   * @throws RegistryException with {@link ErrorCode#MANIFEST_INVALID} when {@link #isValid} is
   *     false
   */
  public Tag {
    if (!isValid(value)) {
      throw new RegistryException(ErrorCode.MANIFEST_INVALID, "invalid tag: " + abbreviate(value));
    }
  }

  /**
   * Parses a tag.
   *
   * @param text the tag from a URL or a request; null is invalid
   * @return the tag
   * @throws RegistryException with {@link ErrorCode#MANIFEST_INVALID} when it breaks the grammar
   */
  public static Tag parse(String text) {
    return new Tag(text);
  }

  /**
   * {@return whether {@code text} is a valid tag}
   *
   * @param text any string, or null (not valid)
   */
  public static boolean isValid(String text) {
    return text != null && GRAMMAR.matcher(text).matches();
  }

  @Override
  public String toString() {
    return value;
  }

  @Override
  public int compareTo(Tag other) {
    return value.compareTo(other.value);
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "(missing)";
    }
    return text.length() <= 140 ? text : text.substring(0, 140) + "...";
  }
}
