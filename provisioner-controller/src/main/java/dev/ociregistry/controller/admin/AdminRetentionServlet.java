package dev.ociregistry.controller.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.controller.api.JsonResponses;
import dev.ociregistry.core.retention.RetentionReport;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code POST /admin/retention[?dryRun=true]}: applies the retention rules now and answers {@code
 * tags_removed} (each {@code repository:tag}), {@code duration_ms}, {@code dry_run}; 404 when no
 * {@code REGISTRY_RETENTION_FILE} is configured.
 */
public final class AdminRetentionServlet extends AdminServlet {
  private static final long serialVersionUID = 1L;

  private final transient GcService gc;

  public AdminRetentionServlet(GcService gc) {
    super("POST");
    this.gc = gc;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Optional<Boolean> dryRun = dryRun(request, response);
    if (dryRun.isEmpty()) {
      return;
    }
    Optional<RetentionReport> report = gc.retain(dryRun.get());
    if (report.isEmpty()) {
      JsonResponses.error(
          request,
          response,
          HttpServletResponse.SC_NOT_FOUND,
          null,
          "no retention rules: set REGISTRY_RETENTION_FILE");
      return;
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    report.get().removed().forEach(body.putArray("tags_removed")::add);
    body.put("duration_ms", report.get().duration().toMillis());
    body.put("dry_run", report.get().dryRun());
    JsonResponses.write(request, response, HttpServletResponse.SC_OK, body);
  }
}
