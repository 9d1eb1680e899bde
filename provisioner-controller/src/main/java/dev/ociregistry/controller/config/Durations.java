package dev.ociregistry.controller.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations written as {@code 90s}, {@code 15m}, {@code 1h}, {@code 24h}, {@code 7d}. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private Durations() {}

  /** The longest duration accepted, so that every duration fits a nanosecond count. */
  public static final Duration MAX = Duration.ofDays(36500);

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException when the text is not a whole number and a unit, or is longer
   *     than {@link #MAX}
   */
  public static Duration parse(String text) {
    Matcher matcher = FORMAT.matcher(text.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    long amount = Long.parseLong(matcher.group(1));
    Duration duration = of(amount, matcher.group(2));
    if (duration.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("longer than " + MAX.toDays() + "d: " + text);
    }
    return duration;
  }

  private static Duration of(long amount, String unit) {
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** The shortest exact spelling of a duration, e.g. {@code 1h} or {@code 90s}. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 86_400_000 == 0 && millis > 0) {
      return millis / 86_400_000 + "d";
    }
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}
