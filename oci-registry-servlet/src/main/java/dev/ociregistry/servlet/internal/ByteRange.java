package dev.ociregistry.servlet.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An inclusive byte range {@code first-last}, as in {@code Range} (RFC 9110) and the
 * distribution-spec's {@code Content-Range} for chunks.
 */
public record ByteRange(long first, long last) {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");
  private static final Pattern CHUNK = Pattern.compile("(?:bytes[ =])?(\\d{1,19})-(\\d{1,19})");

  public long length() {
    return last - first + 1;
  }

  /** The outcome of reading a {@code Range} header against a resource size. */
  public sealed interface Request permits Whole, Partial, Unsatisfiable {}

  /** No usable range: send the whole resource. */
  public record Whole() implements Request {}

  /** A satisfiable single range: send 206 with this part. */
  public record Partial(ByteRange range) implements Request {}

  /** A range outside the resource: send 416. */
  public record Unsatisfiable() implements Request {}

  /**
   * Reads a {@code Range} header for a resource of {@code size} bytes. Headers that are not a
   * single byte range are ignored, as RFC 9110 allows.
   */
  public static Request ofRangeHeader(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    Matcher matcher = RANGE.matcher(header.trim());
    if (!matcher.matches()) {
      return new Whole();
    }
    String first = matcher.group(1);
    String last = matcher.group(2);
    try {
      if (first.isEmpty()) {
        if (last.isEmpty()) {
          return new Whole();
        }
        long suffix = Long.parseLong(last);
        if (suffix == 0 || size == 0) {
          return new Unsatisfiable();
        }
        return new Partial(new ByteRange(Math.max(0, size - suffix), size - 1));
      }
      long start = Long.parseLong(first);
      long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
      if (start >= size || (!last.isEmpty() && Long.parseLong(last) < start)) {
        return new Unsatisfiable();
      }
      return new Partial(new ByteRange(start, end));
    } catch (NumberFormatException e) {
      return new Whole();
    }
  }

  /**
   * Reads a chunk's {@code Content-Range: <start>-<end>}.
   *
   * @return empty when the header is absent; a malformed header is an {@link
   *     IllegalArgumentException}
   */
  public static Optional<ByteRange> ofContentRange(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    Matcher matcher = CHUNK.matcher(header.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("malformed Content-Range: " + header);
    }
    try {
      long first = Long.parseLong(matcher.group(1));
      long last = Long.parseLong(matcher.group(2));
      if (last < first) {
        throw new IllegalArgumentException("Content-Range ends before it starts: " + header);
      }
      if (last == Long.MAX_VALUE) {
        throw new IllegalArgumentException("Content-Range is too large: " + header);
      }
      return Optional.of(new ByteRange(first, last));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Content-Range out of range: " + header, e);
    }
  }

  /** The {@code Range} header of an upload holding {@code size} bytes: {@code 0-<size-1>}. */
  public static String uploadProgress(long size) {
    return "0-" + Math.max(size - 1, 0);
  }
}
