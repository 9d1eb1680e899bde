package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ociregistry.servlet.internal.ByteRange;
import java.util.Optional;

/**
 * {@code Range} and {@code Content-Range}, fuzzed: a range is ignored, satisfiable within the
 * resource, or unsatisfiable; a chunk's range is absent, well ordered, or refused with {@link
 * IllegalArgumentException}; nothing else. Replays the committed inputs in a normal build.
 */
class RangeFuzzTest {
  /** How long each target is fuzzed with {@code JAZZER_FUZZ=1}; a normal build only replays. */
  private static final String FUZZ_DURATION = "2m";

  @FuzzTest(maxDuration = FUZZ_DURATION)
  void rangeHeadersNameBytesInsideTheResourceOrNone(FuzzedDataProvider data) {
    long size = data.consumeLong(0, Long.MAX_VALUE / 2);
    String header = data.consumeRemainingAsString();

    ByteRange.Request range = ByteRange.ofRangeHeader(header, size);

    if (range instanceof ByteRange.Partial partial) {
      assertThat(partial.range().first()).isBetween(0L, size - 1);
      assertThat(partial.range().last()).isBetween(partial.range().first(), size - 1);
      assertThat(partial.range().length()).isPositive();
    }
  }

  @FuzzTest(maxDuration = FUZZ_DURATION)
  void contentRangesAreWellOrderedOrRefused(FuzzedDataProvider data) {
    String header = data.consumeRemainingAsString();
    Optional<ByteRange> range;
    try {
      range = ByteRange.ofContentRange(header);
    } catch (IllegalArgumentException refused) {
      return;
    }
    range.ifPresent(
        chunk -> {
          assertThat(chunk.first()).isNotNegative();
          assertThat(chunk.last()).isGreaterThanOrEqualTo(chunk.first());
          assertThat(chunk.length()).isPositive();
        });
  }
}
