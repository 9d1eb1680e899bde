package dev.ociregistry.controller.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.controller.api.JsonResponses;
import dev.ociregistry.core.ErrorCode;
import dev.ociregistry.core.RegistryException;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.servlet.QueryParameters;
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
    Optional<Boolean> dryRun = dryRun(request);
    if (dryRun.isEmpty()) {
      JsonResponses.error(
          request,
          response,
          HttpServletResponse.SC_BAD_REQUEST,
          "dryRun",
          "dryRun accepts true or false");
      return;
    }
    GcReport report = gc.run(dryRun.get());
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("blobs_deleted", report.blobsDeleted());
    body.put("manifests_deleted", report.manifestsDeleted());
    body.put("bytes_freed", report.bytesFreed());
    body.put("duration_ms", report.duration().toMillis());
    body.put("dry_run", report.dryRun());
    report.refusals().forEach(body.putArray("refused")::add);
    ObjectNode kept = body.putObject("manifests_kept");
    report.manifestsKept().forEach(kept::put);
    if (report.dryRun()) {
      report.wouldDelete().forEach(body.putArray("would_delete")::add);
    }
    JsonResponses.write(request, response, HttpServletResponse.SC_OK, body);
  }

  /** The {@code dryRun} parameter (false when absent), or empty when it is not true or false. */
  private static Optional<Boolean> dryRun(HttpServletRequest request) {
    try {
      String value =
          QueryParameters.of(request).get("dryRun", ErrorCode.QUERY_INVALID).orElse("false");
      return value.equals("true") || value.equals("false")
          ? Optional.of(Boolean.valueOf(value))
          : Optional.empty();
    } catch (RegistryException e) {
      return Optional.empty();
    }
  }
}
