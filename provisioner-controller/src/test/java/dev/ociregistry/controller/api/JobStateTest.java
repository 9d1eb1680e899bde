package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobStateTest {
  @Test
  void onlyTheFourDocumentedMovesAreLegal() {
    Set<String> legal = new java.util.TreeSet<>();
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        if (from.canMoveTo(to)) {
          legal.add(from.wireName() + "->" + to.wireName());
        }
      }
    }

    assertThat(legal)
        .containsExactlyInAnyOrder(
            "queued->running", "queued->failed", "running->succeeded", "running->failed");
  }

  @Test
  void succeededAndFailedAreTerminal() {
    assertThat(EnumSet.allOf(JobState.class).stream().filter(JobState::isTerminal))
        .containsExactlyInAnyOrder(JobState.SUCCEEDED, JobState.FAILED);
  }

  @Test
  void wireNamesAreExactLowercase() {
    assertThat(JobState.fromWireName("running")).hasValue(JobState.RUNNING);
    assertThat(JobState.fromWireName("RUNNING")).isEmpty();
    assertThat(JobState.fromWireName("done")).isEmpty();
  }
}
