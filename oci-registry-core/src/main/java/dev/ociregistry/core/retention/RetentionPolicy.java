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
 */
public record RetentionPolicy(List<Rule> rules) {
  public RetentionPolicy {
    rules = List.copyOf(rules);
  }

  /**
   * What one glob's repositories keep: a tag goes when it is not among the {@code keepNewest} most
   * recently pushed, or was pushed longer than {@code maxAge} ago; never when its name matches one
   * of {@code alwaysKeep} or it names a pinned digest.
   */
  public record Rule(
      RepositoryGlob repositories,
      OptionalInt keepNewest,
      Optional<Duration> maxAge,
      List<Pattern> alwaysKeep) {
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

  /** The rule for {@code repository}, if any matches it. */
  public Optional<Rule> ruleFor(RepositoryName repository) {
    return rules.stream()
        .filter(rule -> rule.repositories().matches(repository))
        .max(Comparator.comparingInt(rule -> rule.repositories().specificity()));
  }

  /** A tag pattern as retention files write it: {@code *} any characters, {@code ?} one. */
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
