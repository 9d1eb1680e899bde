package dev.ociregistry.core.retention;

import dev.ociregistry.core.model.RepositoryGlob;
import dev.ociregistry.core.model.RepositoryName;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Retention rules, one per repository glob; where several match a repository, the longest glob
 * wins, and a repository no glob matches keeps every tag.
 *
 * @param rules the rules, in any order
 */
public record RetentionPolicy(List<Rule> rules) {
  /**
   * Copies the rules.
   *
   * @param rules the rules, in any order
   */
  public RetentionPolicy {
    rules = List.copyOf(rules);
  }

  /**
   * What one glob's repositories keep: a tag goes when it is not among the {@code keepNewest} most
   * recently pushed, or was pushed longer than {@code maxAge} ago; never when its name matches one
   * of {@code alwaysKeep} or it names a pinned digest. A rule with neither limit keeps every tag.
   *
   * @param repositories the repositories the rule applies to
   * @param keepNewest how many of the most recently pushed tags stay; empty for no such limit
   * @param maxAge how long after its last push a tag stays; empty for no such limit
   * @param alwaysKeep tags whose whole name matches one of these stay, whatever the limits say
   */
  public record Rule(
      RepositoryGlob repositories,
      OptionalInt keepNewest,
      Optional<Duration> maxAge,
      List<Pattern> alwaysKeep) {
    /**
     * Checks the limits and copies the patterns.
     *
     * @param repositories the repositories the rule applies to
     * @param keepNewest how many of the most recently pushed tags stay; zero or more
     * @param maxAge how long after its last push a tag stays; zero or more
     * @param alwaysKeep tags whose whole name matches one of these stay
     * @throws IllegalArgumentException when a limit is negative
     */
    public Rule {
      alwaysKeep = List.copyOf(alwaysKeep);
      if (keepNewest.isPresent() && keepNewest.getAsInt() < 0) {
        throw new IllegalArgumentException("keepNewest must be zero or more");
      }
      if (maxAge.isPresent() && maxAge.get().isNegative()) {
        throw new IllegalArgumentException("maxAge must be zero or more");
      }
    }

    boolean alwaysKeeps(String tag) {
      return alwaysKeep.stream().anyMatch(pattern -> pattern.matcher(tag).matches());
    }
  }

  /**
   * Finds the rule for a repository: of those whose glob matches, the most specific.
   *
   * @param repository the repository
   * @return the rule, or empty when none matches (the repository keeps every tag)
   */
  public Optional<Rule> ruleFor(RepositoryName repository) {
    return rules.stream()
        .filter(rule -> rule.repositories().matches(repository))
        .max(Comparator.comparingInt(rule -> rule.repositories().specificity()));
  }

  /**
   * Compiles a tag pattern as retention files write it: {@code *} any characters, {@code ?} one,
   * every other character itself.
   *
   * @param glob the pattern, e.g. {@code v*} or {@code latest}
   * @return a regular expression for {@link Rule#alwaysKeep}, matched against whole tags
   */
  public static Pattern tagPattern(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      regex.append(
          switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> Pattern.quote(String.valueOf(c));
          });
    }
    return Pattern.compile(regex.toString());
  }
}
