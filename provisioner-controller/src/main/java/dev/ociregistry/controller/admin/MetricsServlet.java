package dev.ociregistry.controller.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: the Prometheus text exposition of every meter. */
public final class MetricsServlet extends AdminServlet {
  private static final long serialVersionUID = 1L;

  private final transient PrometheusMeterRegistry meters;

  public MetricsServlet(PrometheusMeterRegistry meters) {
    super("GET", "HEAD");
    this.meters = meters;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    byte[] body = meters.scrape().getBytes(StandardCharsets.UTF_8);
    response.setContentType("text/plain; version=0.0.4; charset=utf-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
