package dev.ociregistry.controller.http;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Ends an exchange whose body arrives, or whose answer is taken, slower than a minimum average
 * rate, measured per request from its first read or write. A client that sends or reads nothing is
 * ended by the idle timeout; this ends one that trickles, which the idle timeout never does.
 *
 * <p>It replaces Jetty's {@code MinimumDataRateHandler}, which measured every request against the
 * bytes the whole server had moved and overflowed once that passed 8.6 GiB: from then on every
 * request failed and the server answered nothing.
 */
final class MinimumDataRate extends Handler.Wrapper {
  private final long bytesPerSecond;

  MinimumDataRate(Handler handler, long bytesPerSecond) {
    super(handler);
    this.bytesPerSecond = bytesPerSecond;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Request measured = new MeasuredRequest(request, new Meter(bytesPerSecond, "request body"));
    return super.handle(
        measured,
        new MeasuredResponse(measured, response, new Meter(bytesPerSecond, "answer")),
        callback);
  }

  /** Bytes moved in one direction of one exchange, and since when. */
  static final class Meter {
    private final long minimum;
    private final String what;
    private boolean started;
    private long firstNanos;
    private long bytes;

    Meter(long minimum, String what) {
      this.minimum = minimum;
      this.what = what;
    }

    /**
     * Counts {@code count} more bytes at {@code nowNanos}; the failure to end the exchange with
     * when the average since the first call has fallen below the minimum, else null. The first
     * second is never judged: one small read or write is all some exchanges make.
     */
    synchronized TimeoutException moved(long count, long nowNanos) {
      if (!started) {
        started = true;
        firstNanos = nowNanos;
      }
      bytes += count;
      double seconds = (nowNanos - firstNanos) / 1e9;
      if (seconds >= 1 && bytes < minimum * seconds) {
        return new TimeoutException(
            "the "
                + what
                + " moved "
                + bytes
                + " bytes in "
                + Math.round(seconds)
                + " s, below the minimum of "
                + minimum
                + " bytes/s");
      }
      return null;
    }
  }

  private static final class MeasuredRequest extends Request.Wrapper {
    private final Meter meter;

    MeasuredRequest(Request request, Meter meter) {
      super(request);
      this.meter = meter;
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk chunk = super.read();
      if (chunk == null || Content.Chunk.isFailure(chunk)) {
        return chunk;
      }
      TimeoutException tooSlow = meter.moved(chunk.remaining(), System.nanoTime());
      if (tooSlow == null) {
        return chunk;
      }
      chunk.release();
      return Content.Chunk.from(tooSlow);
    }
  }

  private static final class MeasuredResponse extends Response.Wrapper {
    private final Meter meter;

    MeasuredResponse(Request request, Response response, Meter meter) {
      super(request, response);
      this.meter = meter;
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      int length = content == null ? 0 : content.remaining();
      TimeoutException tooSlow = meter.moved(length, System.nanoTime());
      if (tooSlow == null) {
        super.write(last, content, callback);
      } else {
        getRequest().fail(tooSlow);
        callback.failed(tooSlow);
      }
    }
  }
}
