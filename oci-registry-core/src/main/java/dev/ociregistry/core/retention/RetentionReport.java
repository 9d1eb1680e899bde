package dev.ociregistry.core.retention;

import java.time.Duration;
import java.util.List;

/**
 * What a retention run removed, or in a dry run would remove.
 *
 * @param removed each tag, as {@code repository:tag}
 * @param duration how long the run took
 * @param dryRun whether this was a dry run, which removed nothing
 */
public record RetentionReport(List<String> removed, Duration duration, boolean dryRun) {
  /**
   * Copies the list.
   *
   * @param removed each tag, as {@code repository:tag}
   * @param duration how long the run took
   * @param dryRun whether this was a dry run
   */
  public RetentionReport {
    removed = List.copyOf(removed);
  }
}
