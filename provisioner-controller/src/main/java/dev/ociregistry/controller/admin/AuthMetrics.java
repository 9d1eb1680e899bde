package dev.ociregistry.controller.admin;

import dev.ociregistry.servlet.auth.AuthenticationEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts refused logins: wrong or malformed credentials, and attempts refused by the throttle. */
public final class AuthMetrics implements AuthenticationEvents {
  private final Counter failures;
  private final Counter throttled;

  public AuthMetrics(MeterRegistry meters) {
    this.failures =
        Counter.builder("registry.auth.failures")
            .description("Logins refused for wrong or malformed credentials")
            .register(meters);
    this.throttled =
        Counter.builder("registry.auth.throttled")
            .description("Logins refused unchecked (429) after too many failures")
            .register(meters);
  }

  @Override
  public void failed() {
    failures.increment();
  }

  @Override
  public void throttled() {
    throttled.increment();
  }
}
