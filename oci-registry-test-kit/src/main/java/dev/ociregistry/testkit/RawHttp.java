package dev.ociregistry.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 straight on a socket, for requests no client library sends (malformed headers, bodies
 * cut short) and for responses as the bytes that arrived on the wire.
 */
public final class RawHttp {
  private RawHttp() {}

  /**
   * A response read off the wire; status -1 when the server closed without answering.
   *
   * @param headers the header fields by lower-case name (the last one where a name repeats)
   * @param body the bytes after the head, as they arrived (still chunked where they were)
   * @param content {@code body} without the chunked framing, when the response was chunked
   * @param text the whole response, ISO-8859-1
   */
  public record Response(
      int status, Map<String, String> headers, byte[] body, byte[] content, String text) {
    /** The header field of this lower-case {@code name}. */
    public Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name));
    }

    @Override
    public String toString() {
      return status + " " + abbreviate(text, 600).replace("\r\n", " | ");
    }
  }

  /**
   * Sends {@code requestHead} (request line and headers, each ending in CRLF) plus {@code Host} and
   * {@code Connection: close}, then {@code body}, all in one write; with {@code halfClose} the
   * client then shuts its sending side, as a client that dies mid-body would. Reads the response
   * until the server closes, keeping what arrived when the connection is reset.
   *
   * @throws AssertionError when the server neither closes nor sends anything for 20 seconds
   */
  public static Response exchange(URI base, String requestHead, byte[] body, boolean halfClose)
      throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(
        (requestHead + "Host: " + hostPort(base) + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    request.write(body);
    return send(base, request.toByteArray(), halfClose);
  }

  /**
   * Sends {@code request} exactly as given (a request line, headers and body, or any bytes at all)
   * in one write, shuts the sending side when {@code halfClose} says so, and reads the response as
   * {@link #exchange(URI, String, byte[], boolean)} does. A server that closes before it has read
   * everything still has its answer read.
   */
  public static Response send(URI base, byte[] request, boolean halfClose) throws IOException {
    try (Socket socket = open(base)) {
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
        if (halfClose) {
          socket.shutdownOutput();
        }
      } catch (IOException e) {
        // the server closed early: read what it said
      }
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          received.write(buffer, 0, read);
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError(
            "no end of response for "
                + abbreviate(
                    new String(
                        request, 0, Math.min(160, request.length), StandardCharsets.ISO_8859_1),
                    160),
            e);
      } catch (IOException e) {
        // reset after a response: keep what arrived
      }
      return parse(received.toByteArray());
    }
  }

  /**
   * Sends {@code requestHead} and {@code body} as {@link #exchange(URI, String, byte[], boolean)}.
   */
  public static Response exchange(URI base, String requestHead, byte[] body) throws IOException {
    return exchange(base, requestHead, body, false);
  }

  /**
   * A connected socket to {@code base} with a 20-second read timeout, for tests that write and read
   * a conversation themselves (a body sent slowly, a connection kept open).
   */
  public static Socket open(URI base) throws IOException {
    Socket socket = new Socket(base.getHost(), base.getPort());
    socket.setSoTimeout(20_000);
    return socket;
  }

  /** {@code host:port} of {@code base}, as a {@code Host} header names it. */
  public static String hostPort(URI base) {
    return base.getHost() + ":" + base.getPort();
  }

  /** Parses the bytes a server sent, from the status line to the end of the body. */
  public static Response parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Response(-1, Map.of(), bytes, bytes, text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    byte[] body = Arrays.copyOfRange(bytes, end + 4, bytes.length);
    byte[] content =
        "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? dechunk(body) : body;
    return new Response(Integer.parseInt(lines[0].substring(9, 12)), headers, body, content, text);
  }

  /** Writes {@code content[from, to)} as one chunk of a chunked body and flushes it. */
  public static void writeChunk(OutputStream out, byte[] content, int from, int to)
      throws IOException {
    out.write((Integer.toHexString(to - from) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(content, from, to - from);
    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String text = new String(chunked, StandardCharsets.ISO_8859_1);
    int position = 0;
    while (position < text.length()) {
      int lineEnd = text.indexOf("\r\n", position);
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(text.substring(position, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
      position = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static String abbreviate(String text, int length) {
    return text.length() <= length ? text : text.substring(0, length) + "...";
  }
}
