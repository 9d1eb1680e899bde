package dev.ociregistry.controller.http;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;

/**
 * Tells observers about every request once it has completed, whichever route answered it and
 * including the errors Jetty answers itself (a malformed request refused before any route saw it, a
 * body too slow): what was asked, what was answered, how many body bytes went each way and how long
 * it took. Jetty calls it as it calls the access log, once per request.
 */
public final class FinishedRequests implements RequestLog {
  /** Method labels are bounded: any other token a client sends is {@code other}. */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /**
   * One completed request.
   *
   * @param method the method, or {@code other} for one outside the HTTP methods the routes use
   * @param route the {@link RouteLabel}
   * @param path the decoded path, without the query
   * @param query the raw query, or null
   * @param status the status answered
   * @param bytesReceived request body bytes read
   * @param bytesSent response body bytes written
   * @param cutShort whether a body moved fewer bytes than its {@code Content-Length} said (the
   *     client went away, or the answer came before the body was read)
   */
  public record Finished(
      String method,
      String route,
      String path,
      String query,
      int status,
      long bytesReceived,
      long bytesSent,
      long durationNanos,
      boolean cutShort) {}

  private final List<Consumer<Finished>> observers;

  public FinishedRequests(List<Consumer<Finished>> observers) {
    this.observers = List.copyOf(observers);
  }

  @Override
  public void log(Request request, Response response) {
    String method = request.getMethod().toUpperCase(Locale.ROOT);
    String path = Request.getPathInContext(request);
    long received = Request.getContentBytesRead(request);
    long sent = Response.getContentBytesWritten(response);
    long declaredReceived = declaredLength(request.getHeaders());
    long declaredSent = declaredLength(response.getHeaders());
    boolean cutShort =
        received < declaredReceived || (!method.equals("HEAD") && sent < declaredSent);
    Finished finished =
        new Finished(
            METHODS.contains(method) ? method : "other",
            RouteLabel.of(path),
            path,
            request.getHttpURI().getQuery(),
            response.getStatus(),
            received,
            sent,
            System.nanoTime() - request.getBeginNanoTime(),
            cutShort);
    for (Consumer<Finished> observer : observers) {
      observer.accept(finished);
    }
  }

  /** The {@code Content-Length} the fields declare, or -1 when they declare none that parses. */
  private static long declaredLength(HttpFields fields) {
    try {
      return fields.getLongField(HttpHeader.CONTENT_LENGTH);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
