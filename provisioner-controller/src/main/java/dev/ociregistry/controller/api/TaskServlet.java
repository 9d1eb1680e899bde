package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.controller.credentials.CredentialReaders;
import dev.ociregistry.controller.credentials.JobTokens;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /media/tasks/{jobId}/task.json}: what the maintenance OS of a job fetches (see {@link
 * TaskDocument}). 404 for any other path, 405 for other methods than GET and HEAD (whether the job
 * exists or not), then 404 for an unknown job, 410 once the pinned manifest is gone from the
 * registry.
 *
 * <p>The job's pull credential ({@code registry}) comes only with a job whose artifact this
 * registry holds and pins ({@code artifact.digest} set): a machine pulling from another registry
 * must not be handed this registry's credential beside that registry's host.
 */
final class TaskServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TaskServlet.class);

  private final transient JobStore jobs;
  private final transient TaskDocument documents;
  private final transient Optional<JobTokens> credentials;
  private final transient CredentialReaders readers;

  TaskServlet(
      JobStore jobs,
      TaskDocument documents,
      Optional<JobTokens> credentials,
      CredentialReaders readers) {
    this.jobs = jobs;
    this.documents = documents;
    this.credentials = credentials;
    this.readers = readers;
  }

  /**
   * Where and how the machine pulls: the registry's URL as the request reached it, and the job's
   * credential, good for this job's artifact while the job is active.
   */
  private static ObjectNode registryLogin(HttpServletRequest request, Job job, JobTokens tokens) {
    ObjectNode login = ApiJson.object();
    login.put(
        "url",
        request.getScheme()
            + "://"
            + JsonResponses.requestHost(request).orElse(request.getLocalAddr()));
    login.put("username", JobTokens.userOf(job.id()));
    login.put("password", tokens.passwordOf(job.id()));
    return login;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    try {
      List<String> path = Route.segments(request.getPathInfo());
      if (path.size() != 2 || !path.get(1).equals("task.json")) {
        throw Route.unknown(request);
      }
      Route.method(request, "GET");
      Job job = jobs.get(path.get(0)).orElseThrow(() -> ApiException.noJob(path.get(0)));
      ObjectNode task = documents.build(job, request.getContextPath());
      credentials
          .filter(tokens -> job.artifact().digest().isPresent())
          .filter(tokens -> readers.mayRead(request, job.id()))
          .ifPresent(tokens -> task.set("registry", registryLogin(request, job, tokens)));
      JsonResponses.write(request, response, 200, task);
    } catch (IOException | RuntimeException e) {
      JsonResponses.fail(request, response, e, LOG);
    }
  }
}
