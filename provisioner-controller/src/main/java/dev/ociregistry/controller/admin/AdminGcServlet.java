package dev.ociregistry.controller.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.controller.api.JsonResponses;
import dev.ociregistry.core.gc.GcReport;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code POST /admin/gc[?dryRun=true]}: runs garbage collection (or joins the run under way) and
 * answers its report as JSON: {@code blobs_deleted}, {@code manifests_deleted}, {@code
 * bytes_freed}, {@code duration_ms}, {@code dry_run}.
 */
public final class AdminGcServlet extends AdminServlet {
  private static final long serialVersionUID = 1L;

  private final transient GcService gc;

  public AdminGcServlet(GcService gc) {
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
    GcReport report = gc.run(dryRun.get());
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("blobs_deleted", report.blobsDeleted());
    body.put("manifests_deleted", report.manifestsDeleted());
    body.put("bytes_freed", report.bytesFreed());
    body.put("duration_ms", report.duration().toMillis());
    body.put("dry_run", report.dryRun());
    body.put("leftovers_removed", report.leftovers().removed());
    body.put("leftover_bytes_freed", report.leftovers().bytesFreed());
    report.refusals().forEach(body.putArray("refused")::add);
    ObjectNode kept = body.putObject("manifests_kept");
    report.manifestsKept().forEach(kept::put);
    if (report.dryRun()) {
      report.wouldDelete().forEach(body.putArray("would_delete")::add);
    }
    JsonResponses.write(request, response, HttpServletResponse.SC_OK, body);
  }
}
