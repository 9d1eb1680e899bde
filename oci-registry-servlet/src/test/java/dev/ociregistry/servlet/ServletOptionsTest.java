package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServletOptionsTest {
  @Test
  void defaultsWaitAMinuteForAnUploadSlotAndEachSettingCanBeChanged() {
    ServletOptions options =
        ServletOptions.defaults()
            .withMaxConcurrentUploads(2)
            .withUploadTimeout(Duration.ofMinutes(5))
            .withDownloadTimeout(Duration.ofMinutes(6))
            .withUploadQueueTimeout(Duration.ZERO);

    assertThat(ServletOptions.defaults().uploadQueueTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(options)
        .isEqualTo(
            new ServletOptions(2, Duration.ofMinutes(5), Duration.ofMinutes(6), Duration.ZERO));
  }

  @Test
  void limitsThatCouldNeverAdmitAnUploadAreRefused() {
    Duration minute = Duration.ofMinutes(1);
    assertThatThrownBy(() -> new ServletOptions(0, minute, minute))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServletOptions(1, Duration.ZERO, minute))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServletOptions(1, minute, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServletOptions(1, minute, minute, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
