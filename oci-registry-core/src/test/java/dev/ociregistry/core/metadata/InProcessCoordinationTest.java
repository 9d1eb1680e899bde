package dev.ociregistry.core.metadata;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InProcessCoordinationTest extends CoordinationContract {
  private final InProcessCoordination shared = new InProcessCoordination(16);

  @Override
  protected Coordination coordination() {
    return shared;
  }

  @Override
  protected Coordination anotherProcess() {
    return shared;
  }

  @Test
  void noStripesIsRefused() {
    assertThatThrownBy(() -> new InProcessCoordination(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
