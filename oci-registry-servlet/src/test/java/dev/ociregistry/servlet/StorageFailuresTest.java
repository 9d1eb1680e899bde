package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** A full disk is told apart from other storage failures by what the JDK says of it. */
class StorageFailuresTest {
  @Test
  void noSpaceLeftAndQuotaExceededAreADiskFull() {
    assertThat(StorageFailures.isDiskFull(new IOException("No space left on device"))).isTrue();
    assertThat(
            StorageFailures.isDiskFull(
                new FileSystemException("/data/tmp/x", null, "Disk quota exceeded")))
        .isTrue();
  }

  @Test
  void aDiskFullAnywhereInTheCausesCounts() {
    IOException wrapped =
        new IOException("publish failed", new IOException("No space left on device"));

    assertThat(StorageFailures.isDiskFull(wrapped)).isTrue();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(StorageFailures.isDiskFull(new IOException("Input/output error"))).isFalse();
    assertThat(StorageFailures.isDiskFull(new IOException((String) null))).isFalse();
  }
}
