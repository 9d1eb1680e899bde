package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DownloadBuffersTest {
  private final DownloadBuffers buffers = new DownloadBuffers(2);

  @Test
  void aStreamThatTakesByteBuffersGetsALargeOneOutsideTheHeap() {
    ByteBuffer buffer = buffers.take(10L << 30, new ByteBufferStream());

    assertThat(buffer.isDirect()).isTrue();
    assertThat(buffer.capacity()).isEqualTo(DownloadBuffers.LARGE);
    assertThat(buffers.largeInUse()).isEqualTo(1);
  }

  @Test
  void aStreamThatTakesOnlyArraysGetsASmallHeapBuffer() {
    ByteBuffer buffer = buffers.take(10L << 30, new ArrayStream());

    assertThat(buffer.hasArray()).isTrue();
    assertThat(buffer.capacity()).isEqualTo(DownloadBuffers.SMALL);
    assertThat(buffers.largeInUse()).isZero();
  }

  @Test
  void aSmallBlobGetsAHeapBufferOfItsSize() {
    assertThat(buffers.take(1000, new ByteBufferStream()).capacity()).isEqualTo(1000);
    assertThat(buffers.take(0, new ByteBufferStream()).capacity()).isEqualTo(1);
    assertThat(buffers.largeInUse()).isZero();
  }

  @Test
  void downloadsBeyondTheLargeBuffersGetSmallOnes() {
    buffers.take(1L << 30, new ByteBufferStream());
    buffers.take(1L << 30, new ByteBufferStream());

    ByteBuffer third = buffers.take(1L << 30, new ByteBufferStream());

    assertThat(third.hasArray()).isTrue();
    assertThat(third.capacity()).isEqualTo(DownloadBuffers.SMALL);
  }

  @Test
  void aBufferNoWriteHoldsIsReused() {
    ByteBuffer first = buffers.take(1L << 30, new ByteBufferStream());
    first.put((byte) 7);

    buffers.giveBack(first, true);
    ByteBuffer next = buffers.take(1L << 30, new ByteBufferStream());

    assertThat(next).isSameAs(first);
    assertThat(next.position()).isZero();
    assertThat(next.limit()).isEqualTo(DownloadBuffers.LARGE);
  }

  @Test
  void aBufferAWriteMayStillHoldIsNeverReusedButItsPlaceIs() {
    ByteBuffer first = buffers.take(1L << 30, new ByteBufferStream());
    ByteBuffer second = buffers.take(1L << 30, new ByteBufferStream());

    buffers.giveBack(first, false);
    ByteBuffer next = buffers.take(1L << 30, new ByteBufferStream());

    assertThat(next.isDirect()).isTrue();
    assertThat(next).isNotSameAs(first).isNotSameAs(second);
    assertThat(buffers.largeInUse()).isEqualTo(2);
  }

  @Test
  void heapBuffersAreNotCounted() {
    ByteBuffer small = buffers.take(100, new ByteBufferStream());

    buffers.giveBack(small, true);

    assertThat(buffers.largeInUse()).isZero();
    assertThat(buffers.take(1L << 30, new ByteBufferStream())).isNotSameAs(small);
  }

  @Test
  void writesWhatTheBufferHoldsThroughEitherMethod() throws IOException {
    byte[] text = "0123456789".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer direct = ByteBuffer.allocateDirect(16).put(text).flip().position(2);
    ByteBuffer heap = ByteBuffer.wrap(new byte[16], 1, 15).slice().put(text).flip().position(3);
    ByteBufferStream byteBuffers = new ByteBufferStream();
    ArrayStream arrays = new ArrayStream();

    DownloadBuffers.write(byteBuffers, direct);
    DownloadBuffers.write(arrays, heap);

    assertThat(byteBuffers.written.toString(StandardCharsets.US_ASCII)).isEqualTo("23456789");
    assertThat(arrays.written.toString(StandardCharsets.US_ASCII)).isEqualTo("3456789");
    assertThat(direct.hasRemaining()).isFalse();
    assertThat(heap.hasRemaining()).isFalse();
    assertThat(byteBuffers.byteBufferWrites).isEqualTo(1);
  }

  /** A stream with only the Servlet 6.0 methods. */
  public static class ArrayStream extends ServletOutputStream {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      written.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      written.write(bytes, offset, length);
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {}
  }

  /** A stream that also takes a ByteBuffer, as Servlet 6.1's and Jetty 12's do. */
  public static class ByteBufferStream extends ArrayStream {
    int byteBufferWrites;

    public void write(ByteBuffer buffer) {
      byteBufferWrites++;
      while (buffer.hasRemaining()) {
        written.write(buffer.get());
      }
    }
  }
}
