package dev.ociregistry.servlet.testing;

import dev.ociregistry.testkit.Await;
import dev.ociregistry.testkit.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client too slow for the servlet's upload time limit, straight on a socket so that every byte is
 * surely on the wire when the test says so: a chunked PATCH that sends 1000 bytes at once, stays
 * silent for longer than the limit, then sends 100 bytes every 100 ms until the server answers and
 * closes. Its slowness is the behaviour under test.
 */
public final class SlowUpload {
  private static final int FIRST_CHUNK = 1000;
  private static final int TRICKLE = 100;

  /** The pace of the trickle: how long each read waits for an answer before 100 more bytes go. */
  private static final int TRICKLE_PAUSE_MILLIS = 100;

  private static final Duration GIVE_UP = Duration.ofSeconds(20);

  private SlowUpload() {}

  /**
   * What the slow client sent and what came back.
   *
   * @param sent how many bytes of the content went out as chunks
   * @param response the server's answer; status -1 when it closed without one
   */
  public record Result(int sent, RawHttp.Response response) {}

  /**
   * Sends {@code content} to the upload at {@code location} as described above; {@code headers}
   * (each ending in CRLF) go with the request's own.
   *
   * @param silence how long the client says nothing after the first 1000 bytes: more than the
   *     server's upload time limit
   * @throws AssertionError when the server answers during the silence, or neither answers nor
   *     closes within 20 seconds
   */
  public static Result patch(
      URI base, String location, String headers, byte[] content, Duration silence)
      throws IOException {
    try (Socket socket = RawHttp.open(base)) {
      socket.setSoTimeout(TRICKLE_PAUSE_MILLIS);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          ("PATCH "
                  + location
                  + " HTTP/1.1\r\nHost: "
                  + RawHttp.hostPort(base)
                  + "\r\n"
                  + headers
                  + "Content-Type: application/octet-stream\r\n"
                  + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.writeChunk(out, content, 0, FIRST_CHUNK);
      int sent = FIRST_CHUNK;
      // The silence is what the test sends, not a wait for something to finish: the server keeps
      // waiting for the body all the while, and only the bytes after it find the limit passed.
      Await.holdsFor(
          "the server waits, silent, for the rest of the body", silence, () -> nothingFrom(in));
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      long giveUp = System.nanoTime() + GIVE_UP.toNanos();
      while (true) {
        if (System.nanoTime() - giveUp > 0) {
          throw new AssertionError("the server did not answer a slow PATCH in " + GIVE_UP);
        }
        if (sent + TRICKLE <= content.length) {
          try {
            RawHttp.writeChunk(out, content, sent, sent + TRICKLE);
            sent += TRICKLE;
          } catch (IOException e) {
            // the server stopped reading; its answer may still be readable
          }
        }
        try {
          int read = in.read(buffer);
          if (read < 0) {
            break;
          }
          received.write(buffer, 0, read);
        } catch (SocketTimeoutException e) {
          // no answer within the trickle's pause: send a little more
        } catch (IOException e) {
          break;
        }
      }
      return new Result(sent, RawHttp.parse(received.toByteArray()));
    }
  }

  private static boolean nothingFrom(InputStream in) {
    try {
      return in.available() == 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
