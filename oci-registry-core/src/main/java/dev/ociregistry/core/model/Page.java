package dev.ociregistry.core.model;

import java.util.List;

/**
 * One page of a lexically ordered listing (tags, repositories).
 *
 * @param items at most the requested count, in lexical order
 * @param more whether items after the last one exist
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-tags">
 *     distribution-spec: listing tags</a>
 */
public record Page<T>(List<T> items, boolean more) {
  public Page {
    items = List.copyOf(items);
  }

  /** The same page with every item converted. */
  public <R> Page<R> map(java.util.function.Function<? super T, ? extends R> convert) {
    return new Page<>(items.stream().<R>map(convert).toList(), more);
  }

  /**
   * The page of {@code sorted} that starts after {@code last} (exclusive) and holds at most {@code
   * limit} items.
   */
  public static <T extends Comparable<T>> Page<T> of(List<T> sorted, T last, int limit) {
    return of(sorted, last, limit, java.util.Comparator.naturalOrder());
  }

  /** As {@link #of(List, Comparable, int)}, for a list sorted by {@code order}. */
  public static <T> Page<T> of(
      List<T> sorted, T last, int limit, java.util.Comparator<? super T> order) {
    int start = 0;
    if (last != null) {
      int position = java.util.Collections.binarySearch(sorted, last, order);
      start = position >= 0 ? position + 1 : -position - 1;
    }
    int end = (int) Math.min((long) start + Math.max(limit, 0), sorted.size());
    return new Page<>(sorted.subList(start, end), end < sorted.size());
  }
}
