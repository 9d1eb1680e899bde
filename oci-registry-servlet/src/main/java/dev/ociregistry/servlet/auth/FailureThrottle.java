package dev.ociregistry.servlet.auth;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets of failed logins, one per key (a client address, a user name): each failure takes a
 * token, tokens come back at a steady rate, and an empty bucket refuses further attempts until a
 * token is back. Nothing waits: a refused attempt is answered at once with how long to wait. The
 * number of buckets is bounded: when it is reached, buckets that have refilled go, and a new key is
 * not tracked until there is room again (emptied buckets are never dropped to make room).
 * Thread-safe.
 */
public final class FailureThrottle {
  private static final int MAX_KEYS = 100_000;

  private final int capacity;
  private final long nanosPerToken;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * {@code capacity} failures at once, then one more each {@code refill}.
   *
   * @param capacity the failures a key may have in a burst; positive
   * @param refill how long it takes to regain one; positive
   * @throws IllegalArgumentException when either is not positive
   */
  public FailureThrottle(int capacity, Duration refill) {
    this(capacity, refill, System::nanoTime);
  }

  FailureThrottle(int capacity, Duration refill, LongSupplier nanoClock) {
    if (capacity < 1 || refill.isNegative() || refill.isZero()) {
      throw new IllegalArgumentException("capacity and refill must be positive");
    }
    this.capacity = capacity;
    this.nanosPerToken = refill.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * Says whether {@code key} may try now; takes no token.
   *
   * @param key the client address or user name, as the caller spells it
   * @return how long {@code key} must wait before trying again, or empty when it may try now
   */
  public Optional<Duration> waitFor(String key) {
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      return Optional.empty();
    }
    synchronized (bucket) {
      double tokens = bucket.tokens(nanoClock.getAsLong());
      if (tokens >= 1) {
        return Optional.empty();
      }
      return Optional.of(Duration.ofNanos((long) ((1 - tokens) * nanosPerToken)));
    }
  }

  /**
   * Takes a token from {@code key}'s bucket, after a failed attempt.
   *
   * @param key the client address or user name, as the caller spells it
   */
  public void recordFailure(String key) {
    if (buckets.size() >= MAX_KEYS && !buckets.containsKey(key)) {
      long now = nanoClock.getAsLong();
      buckets.values().removeIf(bucket -> bucket.isFull(now));
      if (buckets.size() >= MAX_KEYS) {
        // Never forget the buckets an attacker emptied to make room: the new key goes untracked.
        return;
      }
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(nanoClock.getAsLong()));
    synchronized (bucket) {
      bucket.take(nanoClock.getAsLong());
    }
  }

  private final class Bucket {
    private double tokens = capacity;
    private long updated;

    Bucket(long now) {
      this.updated = now;
    }

    double tokens(long now) {
      tokens = Math.min(capacity, tokens + (double) (now - updated) / nanosPerToken);
      updated = now;
      return tokens;
    }

    void take(long now) {
      tokens = Math.max(0, tokens(now) - 1);
    }

    synchronized boolean isFull(long now) {
      return tokens(now) >= capacity;
    }
  }
}
