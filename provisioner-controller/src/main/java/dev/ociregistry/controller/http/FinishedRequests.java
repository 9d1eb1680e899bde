package dev.ociregistry.controller.http;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Tells observers about every request once it has completed, whichever route answered it and
 * including the errors Jetty answers itself (a body too slow, a timeout): what was asked, what was
 * answered, how many body bytes went each way and how long it took.
 */
public final class FinishedRequests extends Handler.Wrapper {
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
   * @param failed whether the exchange ended in a failure (the client went away, say)
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
      boolean failed) {}

  private final List<Consumer<Finished>> observers;

  public FinishedRequests(Handler handler, List<Consumer<Finished>> observers) {
    super(handler);
    this.observers = List.copyOf(observers);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Request.addCompletionListener(request, failure -> finished(request, response, failure));
    return super.handle(request, response, callback);
  }

  private void finished(Request request, Response response, Throwable failure) {
    String method = request.getMethod().toUpperCase(Locale.ROOT);
    String path = Request.getPathInContext(request);
    Finished finished =
        new Finished(
            METHODS.contains(method) ? method : "other",
            RouteLabel.of(path),
            path,
            request.getHttpURI().getQuery(),
            response.getStatus(),
            Request.getContentBytesRead(request),
            Response.getContentBytesWritten(response),
            System.nanoTime() - request.getBeginNanoTime(),
            failure != null);
    for (Consumer<Finished> observer : observers) {
      observer.accept(finished);
    }
  }
}
