package dev.ociregistry.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline: what tests do instead of sleeping for a guessed time. The
 * condition is polled every few milliseconds; the wait fails with the condition's description.
 */
public final class Await {
  /** How long a condition may take unless a test says otherwise; generous for a busy CI machine. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

  private Await() {}

  /** Waits until {@code condition} holds, up to {@link #DEFAULT_TIMEOUT}. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT_TIMEOUT, condition);
  }

  /**
   * Waits until {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} when it does not hold within {@code timeout}
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    value(what, timeout, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty());
  }

  /** Waits until {@code probe} yields a value, up to {@code timeout}, and returns it. */
  public static <T> T value(String what, Duration timeout, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }

  /**
   * Waits up to {@code period} for {@code condition} and says whether it came to hold: for a client
   * that stalls on purpose until the server reacts, where a server that does not react is right as
   * well. Never for what must happen ({@link #until}).
   */
  public static boolean within(Duration period, BooleanSupplier condition) {
    long end = System.nanoTime() + period.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end >= 0) {
        return false;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    return true;
  }

  /**
   * Asserts that {@code condition} stays true for all of {@code period}: for what must keep holding
   * (a stalled client still waiting), never for timing something to finish.
   */
  public static void holdsFor(String what, Duration period, BooleanSupplier condition) {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() - end < 0) {
      if (!condition.getAsBoolean()) {
        throw new AssertionError("stopped holding: " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
