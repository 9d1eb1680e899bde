package dev.ociregistry.servlet.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailureThrottleTest {
  private final AtomicLong now = new AtomicLong();
  private final FailureThrottle throttle = new FailureThrottle(3, Duration.ofSeconds(6), now::get);

  @Test
  void failuresUpToTheCapacityPassThenTheKeyWaitsForATokenToComeBack() {
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.waitFor("address 10.0.0.1")).isEmpty();
      throttle.recordFailure("address 10.0.0.1");
    }

    assertThat(throttle.waitFor("address 10.0.0.1")).contains(Duration.ofSeconds(6));
    assertThat(throttle.waitFor("address 10.0.0.2")).isEmpty();

    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(throttle.waitFor("address 10.0.0.1"))
        .hasValueSatisfying(wait -> assertThat(wait.toMillis()).isBetween(3999L, 4000L));
    now.addAndGet(Duration.ofSeconds(4).toNanos());
    assertThat(throttle.waitFor("address 10.0.0.1")).isEmpty();
  }

  @Test
  void tokensComeBackNoHigherThanTheCapacity() {
    throttle.recordFailure("user alice");
    now.addAndGet(Duration.ofHours(1).toNanos());
    for (int i = 0; i < 3; i++) {
      throttle.recordFailure("user alice");
    }

    assertThat(throttle.waitFor("user alice")).isPresent();
  }

  @Test
  void theNumberOfBucketsIsBoundedWhateverTheNumberOfKeys() {
    throttle.recordFailure("user first");
    for (int i = 0; i < 100_000; i++) {
      throttle.recordFailure("address " + i);
    }

    assertThat(throttle.waitFor("user first")).isEmpty();
    assertThat(throttle.waitFor("address 99999")).isEmpty();
  }

  @Test
  void aThrottleNeedsAPositiveCapacityAndRefill() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new FailureThrottle(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FailureThrottle(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
