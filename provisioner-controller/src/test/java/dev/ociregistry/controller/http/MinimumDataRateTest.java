package dev.ociregistry.controller.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MinimumDataRateTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long START = 5 * SECOND;

  @Test
  void theFirstSecondIsNeverJudged() {
    MinimumDataRate.Meter meter = new MinimumDataRate.Meter(1024, "answer");

    assertThat(meter.moved(1, START)).isNull();
    assertThat(meter.moved(1, START + SECOND - 1)).isNull();
  }

  @Test
  void anAverageBelowTheMinimumEndsTheExchange() {
    MinimumDataRate.Meter meter = new MinimumDataRate.Meter(1024, "request body");

    assertThat(meter.moved(1024, START)).isNull();
    assertThat(meter.moved(1024, START + 2 * SECOND)).isNull();

    assertThat(meter.moved(1, START + 3 * SECOND))
        .hasMessage("the request body moved 2049 bytes in 3 s, below the minimum of 1024 bytes/s");
  }

  @Test
  void theRateIsAnAverageSinceTheFirstByteSoABurstMakesUpForAPause() {
    MinimumDataRate.Meter meter = new MinimumDataRate.Meter(1024, "answer");

    assertThat(meter.moved(64 * 1024, START)).isNull();
    assertThat(meter.moved(0, START + 60 * SECOND)).isNull();
    assertThat(meter.moved(0, START + 65 * SECOND)).isNotNull();
  }

  /** The replaced Jetty handler overflowed past 8.6 GiB; 10 TiB at speed passes. */
  @Test
  void hugeTransfersNeverOverflowIntoAFailure() {
    MinimumDataRate.Meter meter = new MinimumDataRate.Meter(1024, "answer");
    long tenGiB = 10L * 1024 * 1024 * 1024;

    for (int second = 0; second <= 1024; second++) {
      assertThat(meter.moved(tenGiB, START + second * SECOND)).isNull();
    }
  }
}
