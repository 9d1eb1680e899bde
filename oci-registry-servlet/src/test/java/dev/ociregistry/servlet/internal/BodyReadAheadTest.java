package dev.ociregistry.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.JettyFixture;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BodyReadAhead} as another servlet uses it: the body read ahead, then handed to code that
 * reads the request's input stream; limits, deadlines and the memory budget, in asynchronous and
 * blocking containers alike.
 */
class BodyReadAheadTest {
  private static final int MAX = 1000;

  /** Answers the body it read back, or the failure's name with 400. */
  private static final class EchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient BodyReadAhead bodies;

    EchoServlet(BodyReadAhead bodies) {
      this.bodies = bodies;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      Optional<byte[]> body;
      try {
        body = bodies.body(request, MAX);
      } catch (BodyReadAhead.BodyException e) {
        response.setStatus(400);
        response.getWriter().print(e.failure());
        return;
      }
      if (body.isEmpty()) {
        return;
      }
      HttpServletRequest withBody = BodyReadAhead.withBody(request, body.get());
      assertThat(withBody.getContentLengthLong()).isEqualTo(body.get().length);
      assertThat(withBody.getContentLength()).isEqualTo(body.get().length);
      byte[] read = withBody.getInputStream().readAllBytes();
      assertThat(withBody.getInputStream().isReady()).isTrue();
      response.setStatus(200);
      response.getOutputStream().write(read);
    }
  }

  private static JettyFixture server(boolean asynchronous, BodyReadAhead bodies) throws Exception {
    return JettyFixture.start(
        context -> {
          ServletHolder holder = new ServletHolder(new EchoServlet(bodies));
          holder.setAsyncSupported(asynchronous);
          context.addServlet(holder, "/echo");
        });
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aBodyWithinTheLimitIsHandedOnWhole(boolean asynchronous) throws Exception {
    try (JettyFixture server =
        server(asynchronous, new BodyReadAhead(1 << 20, Duration.ofMinutes(1)))) {
      TestHttp.Response echoed = server.http().post("/echo", "hello body".getBytes());

      assertThat(echoed.status()).isEqualTo(200);
      assertThat(echoed.text()).isEqualTo("hello body");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aChunkedBodyOverTheLimitIsTooLarge(boolean asynchronous) throws Exception {
    try (JettyFixture server =
        server(asynchronous, new BodyReadAhead(1 << 20, Duration.ofMinutes(1)))) {
      StringBuilder chunks = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        chunks.append("190\r\n").append("x".repeat(400)).append("\r\n");
      }
      chunks.append("0\r\n\r\n");

      RawHttp.Response answer =
          RawHttp.exchange(
              server.base(),
              "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n",
              chunks.toString().getBytes(StandardCharsets.US_ASCII));

      assertThat(answer.status()).isEqualTo(400);
      assertThat(new String(answer.content(), StandardCharsets.US_ASCII)).isEqualTo("TOO_LARGE");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aBodyThatOutlivesItsDeadlineBreaksOff(boolean asynchronous) throws Exception {
    try (JettyFixture server =
            server(asynchronous, new BodyReadAhead(1 << 20, Duration.ofMillis(500)));
        Socket socket = RawHttp.open(server.base())) {
      socket
          .getOutputStream()
          .write(
              ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nfirst")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      if (!asynchronous) {
        // A blocking read checks its deadline when data comes: send a little more, late.
        Thread.sleep(700);
        socket.getOutputStream().write("more".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      }

      String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);

      assertThat(answer).isEqualTo("HTTP/1.1 400");
    }
  }

  @Test
  void aBudgetSpentByOneBodyRefusesTheNextAsBusy() throws Exception {
    // Room for one 200-byte body (counted four times over).
    BodyReadAhead bodies =
        new BodyReadAhead(BodyReadAhead.COST_FACTOR * 200L, Duration.ofMinutes(1));
    try (JettyFixture server = server(true, bodies);
        Socket stalled = RawHttp.open(server.base())) {
      stalled
          .getOutputStream()
          .write(
              ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n{")
                  .getBytes(StandardCharsets.US_ASCII));
      stalled.getOutputStream().flush();

      dev.ociregistry.testkit.Await.until(
          "the stalled body holds the budget",
          () -> {
            try {
              return server.http().post("/echo", new byte[10]).text().equals("BUSY");
            } catch (IOException e) {
              return false;
            }
          });
    }
  }
}
