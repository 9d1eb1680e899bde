package dev.ociregistry.core.model;

import java.util.regex.Pattern;

/**
 * A pattern over repository names, as access policies and retention rules write them: {@code *}
 * matches within one path component, {@code **} across components, {@code ?} one character; every
 * other character is itself.
 *
 * <p>Instances come from {@link #parse}; {@link #toString} gives the pattern as written.
 *
 * @param glob the pattern as written
 * @param pattern the regular expression {@code glob} compiles to, matched against a whole name
 */
public record RepositoryGlob(String glob, Pattern pattern) {
  private static final Pattern VALID = Pattern.compile("[a-z0-9._\\-/*?]+");

  /**
   * Reads a glob.
   *
   * @param glob the pattern, e.g. {@code team-a/**} or {@code *}
   * @return the glob
   * @throws IllegalArgumentException when it holds characters no repository name has, {@code ***},
   *     or a leading {@code /}
   */
  public static RepositoryGlob parse(String glob) {
    if (!VALID.matcher(glob).matches() || glob.contains("***") || glob.startsWith("/")) {
      throw new IllegalArgumentException(
          "\"" + glob + "\" is not a repository glob (lower-case name characters, /, *, ** and ?)");
    }
    return new RepositoryGlob(glob, Pattern.compile(regex(glob)));
  }

  /**
   * {@return whether the whole of {@code repository}'s name matches}
   *
   * @param repository the name to test
   */
  public boolean matches(RepositoryName repository) {
    return pattern.matcher(repository.value()).matches();
  }

  /**
   * {@return how specific the glob is: its length}; where several match, the longest (highest) wins
   */
  public int specificity() {
    return glob.length();
  }

  private static String regex(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }

  @Override
  public String toString() {
    return glob;
  }
}
