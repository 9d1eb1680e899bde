package dev.ociregistry.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A body read a byte at a time keeps to the deadline like one read in buffers, and whatever the
 * container throws while reading it is the client's failure.
 */
class DeadlineInputStreamTest {
  @Test
  void singleByteReadsReturnTheBodyWithinTheDeadline() throws IOException {
    try (DeadlineInputStream in =
        DeadlineInputStream.of(
            new ByteArrayInputStream(new byte[] {7, 8}), Duration.ofMinutes(1))) {
      assertThat(in.read()).isEqualTo(7);
      assertThat(in.read()).isEqualTo(8);
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void aSingleByteReadAfterTheDeadlineFailsAsTheClients() {
    DeadlineInputStream in =
        DeadlineInputStream.of(new ByteArrayInputStream(new byte[] {7}), Duration.ofNanos(-1));

    assertThatThrownBy(in::read)
        .isInstanceOf(ClientIOException.class)
        .hasMessageContaining("exceeded its time limit after 0 bytes");
  }

  @Test
  void aMalformedBodyReportedUncheckedIsTheClientsFailure() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() {
            throw new IllegalStateException("bad chunk");
          }
        };
    DeadlineInputStream in = DeadlineInputStream.of(broken, Duration.ofMinutes(1));

    assertThatThrownBy(in::read)
        .isInstanceOf(ClientIOException.class)
        .hasMessageContaining("broke off: bad chunk");
  }
}
