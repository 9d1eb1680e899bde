package dev.ociregistry.controller.api;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /media/tasks/{jobId}/task.json}: what the maintenance OS of a job fetches (see {@link
 * TaskDocument}). 404 for an unknown job or any other path, 405 for other methods than GET and
 * HEAD, 410 once the pinned manifest is gone from the registry.
 */
final class TaskServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TaskServlet.class);

  private final transient JobStore jobs;
  private final transient TaskDocument documents;

  TaskServlet(JobStore jobs, TaskDocument documents) {
    this.jobs = jobs;
    this.documents = documents;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    try {
      List<String> path = Route.segments(request.getPathInfo());
      if (path.size() != 2 || !path.get(1).equals("task.json")) {
        throw Route.unknown(request);
      }
      Job job = jobs.get(path.get(0)).orElseThrow(() -> ApiException.noJob(path.get(0)));
      Route.method(request, "GET");
      JsonResponses.write(request, response, 200, documents.build(job, request.getContextPath()));
    } catch (IOException | RuntimeException e) {
      JsonResponses.fail(request, response, e, JsonResponses::error, LOG);
    }
  }
}
