package dev.ociregistry.controller.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.core.ErrorCode;
import dev.ociregistry.core.RegistryException;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.servlet.QueryParameters;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /admin/gc[?dryRun=true]}: runs garbage collection (or joins the run under way) and
 * answers its report as JSON: {@code blobs_deleted}, {@code manifests_deleted}, {@code
 * bytes_freed}, {@code duration_ms}, {@code dry_run}.
 */
public final class AdminGcServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final transient GcService gc;

  public AdminGcServlet(GcService gc) {
    this.gc = gc;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String dryRun;
    try {
      dryRun = QueryParameters.of(request).get("dryRun", ErrorCode.QUERY_INVALID).orElse("false");
    } catch (RegistryException e) {
      dryRun = "invalid";
    }
    if (!dryRun.equals("true") && !dryRun.equals("false")) {
      response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
      response.setContentType("application/json");
      JSON.writeValue(
          response.getOutputStream(),
          Map.of("error", Map.of("field", "dryRun", "message", "dryRun accepts true or false")));
      return;
    }
    GcReport report = gc.run(dryRun.equals("true"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("blobs_deleted", report.blobsDeleted());
    body.put("manifests_deleted", report.manifestsDeleted());
    body.put("bytes_freed", report.bytesFreed());
    body.put("duration_ms", report.duration().toMillis());
    body.put("dry_run", report.dryRun());
    response.setContentType("application/json");
    JSON.writeValue(response.getOutputStream(), body);
  }
}
