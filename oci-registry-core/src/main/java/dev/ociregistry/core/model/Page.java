package dev.ociregistry.core.model;

import java.util.List;

/**
 * One page of a lexically ordered listing (tags, repositories).
 *
 * @param <T> the item type
 * @param items at most the requested count, in lexical order
 * @param more whether items after the last one exist
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-tags">
 *     distribution-spec: listing tags</a>
 */
public record Page<T>(List<T> items, boolean more) {
  /**
   * Copies the items.
   *
   * @param items the items of this page, copied
   * @param more whether items after the last one exist
   * @throws NullPointerException when {@code items} or one of them is null
   */
  public Page {
    items = List.copyOf(items);
  }

  /**
   * The same page with every item converted, such as names to their strings.
   *
   * @param <R> the converted item type
   * @param convert applied to each item in order; must not return null
   * @return a page of the converted items with the same {@link #more}
   */
  public <R> Page<R> map(java.util.function.Function<? super T, ? extends R> convert) {
    return new Page<>(items.stream().<R>map(convert).toList(), more);
  }

  /**
   * The page of {@code sorted} that starts after {@code last} (exclusive) and holds at most {@code
   * limit} items: the distribution-spec's {@code n} and {@code last}.
   *
   * @param <T> the item type
   * @param sorted every item, in natural order
   * @param last the last item of the previous page, or null for the first page; it need not be in
   *     {@code sorted}
   * @param limit the most items to return; zero or less gives an empty page
   * @return the page, with {@link #more} telling whether items follow it
   */
  public static <T extends Comparable<T>> Page<T> of(List<T> sorted, T last, int limit) {
    return of(sorted, last, limit, java.util.Comparator.naturalOrder());
  }

  /**
   * As {@link #of(List, Comparable, int)}, for a list sorted by {@code order}, such as tags in
   * {@link Tag#LISTING_ORDER}.
   *
   * @param <T> the item type
   * @param sorted every item, sorted by {@code order}
   * @param last the last item of the previous page, or null for the first page
   * @param limit the most items to return; zero or less gives an empty page
   * @param order the order {@code sorted} is in
   * @return the page, with {@link #more} telling whether items follow it
   */
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
