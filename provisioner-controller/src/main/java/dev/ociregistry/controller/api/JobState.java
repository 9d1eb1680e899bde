package dev.ociregistry.controller.api;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where a job is in its life. Legal moves: {@code queued -> running}, {@code queued -> failed},
 * {@code running -> succeeded}, {@code running -> failed}; nothing leaves {@code succeeded} or
 * {@code failed}, and no state moves to itself.
 */
enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED;

  /** The name in JSON: {@code queued}, {@code running}, {@code succeeded}, {@code failed}. */
  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state a JSON name means, when it names one (exactly, in lowercase). */
  static Optional<JobState> fromWireName(String text) {
    return Arrays.stream(values()).filter(state -> state.wireName().equals(text)).findFirst();
  }

  static List<String> wireNames() {
    return Arrays.stream(values()).map(JobState::wireName).toList();
  }

  boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED;
  }

  boolean canMoveTo(JobState next) {
    return switch (this) {
      case QUEUED -> Set.of(RUNNING, FAILED).contains(next);
      case RUNNING -> Set.of(SUCCEEDED, FAILED).contains(next);
      case SUCCEEDED, FAILED -> false;
    };
  }
}
