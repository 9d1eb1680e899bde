package dev.ociregistry.core.retention;

import java.time.Duration;
import java.util.List;

/**
 * What a retention run removed, or in a dry run would remove.
 *
 * @param removed each tag, as {@code repository:tag}
 */
public record RetentionReport(List<String> removed, Duration duration, boolean dryRun) {
  public RetentionReport {
    removed = List.copyOf(removed);
  }
}
