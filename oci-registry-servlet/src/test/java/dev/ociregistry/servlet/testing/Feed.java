package dev.ociregistry.servlet.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A request body the test feeds piece by piece from its own thread: reads block until the test
 * sends more or finishes. Made for holding a streamed upload open as long as a test needs.
 */
public final class Feed extends InputStream {
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> pieces = new LinkedBlockingQueue<>();
  private byte[] current = new byte[0];
  private int position;
  private boolean ended;

  /** Makes {@code bytes} readable. */
  public void send(byte[] bytes) {
    if (bytes.length > 0) {
      pieces.add(bytes.clone());
    }
  }

  /** Ends the body once what was sent has been read. */
  public void finish() {
    pieces.add(END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (position == current.length) {
      if (ended) {
        return -1;
      }
      try {
        byte[] next = pieces.take();
        if (next == END) {
          ended = true;
        } else {
          current = next;
          position = 0;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    }
    int count = Math.min(length, current.length - position);
    System.arraycopy(current, position, buffer, offset, count);
    position += count;
    return count;
  }
}
