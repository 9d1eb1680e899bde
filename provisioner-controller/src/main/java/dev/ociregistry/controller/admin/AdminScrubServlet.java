package dev.ociregistry.controller.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.controller.api.JsonResponses;
import dev.ociregistry.core.integrity.ScrubReport;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code POST /admin/scrub} starts the integrity scrub in the background and answers 202 (409 while
 * one runs); {@code GET /admin/scrub} answers whether one runs and the last one's report: {@code
 * blobs_checked}, {@code bytes_checked}, {@code quarantined} (the digests moved to quarantine),
 * {@code duration_ms}, {@code finished_at}, and {@code failure} when it stopped early.
 */
public final class AdminScrubServlet extends AdminServlet {
  private static final long serialVersionUID = 1L;

  private final transient ScrubService scrub;

  public AdminScrubServlet(ScrubService scrub) {
    super("GET", "HEAD", "POST");
    this.scrub = scrub;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!scrub.start()) {
      JsonResponses.error(
          request, response, HttpServletResponse.SC_CONFLICT, null, "a scrub is under way");
      return;
    }
    JsonResponses.write(request, response, HttpServletResponse.SC_ACCEPTED, status());
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    JsonResponses.write(request, response, HttpServletResponse.SC_OK, status());
  }

  private ObjectNode status() {
    ScrubService.Status status = scrub.status();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("state", status.running() ? "running" : "idle");
    if (status.last().isPresent()) {
      ScrubReport report = status.last().get();
      ObjectNode last = body.putObject("last");
      last.put("blobs_checked", report.blobsChecked());
      last.put("bytes_checked", report.bytesChecked());
      report.quarantined().forEach(last.putArray("quarantined")::add);
      last.put("duration_ms", report.duration().toMillis());
    }
    status.lastFinished().ifPresent(at -> body.put("finished_at", at.toString()));
    status.lastFailure().ifPresent(failure -> body.put("failure", failure));
    return body;
  }
}
