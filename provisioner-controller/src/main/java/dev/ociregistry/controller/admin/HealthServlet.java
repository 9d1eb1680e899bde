package dev.ociregistry.controller.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.controller.api.JsonResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /healthz}: the process is alive. {@code /readyz}: every data directory is writable and has
 * at least the configured free space; otherwise 503 with the reasons.
 */
public final class HealthServlet extends AdminServlet {
  private static final long serialVersionUID = 1L;

  private final transient List<Path> directories;
  private final long minFreeBytes;

  public HealthServlet(List<Path> directories, long minFreeBytes) {
    super("GET", "HEAD");
    this.directories = List.copyOf(directories);
    this.minFreeBytes = minFreeBytes;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    int status = HttpServletResponse.SC_OK;
    if ("/readyz".equals(request.getServletPath())) {
      List<String> problems = problems();
      if (!problems.isEmpty()) {
        status = HttpServletResponse.SC_SERVICE_UNAVAILABLE;
        problems.forEach(body.putArray("problems")::add);
      }
    }
    body.put("status", status == HttpServletResponse.SC_OK ? "ok" : "unavailable");
    JsonResponses.write(request, response, status, body);
  }

  private List<String> problems() {
    List<String> problems = new ArrayList<>();
    for (Path directory : directories) {
      try {
        // Inside the registry's tmp/ when there is one: it is emptied at every start.
        Path scratch =
            Files.isDirectory(directory.resolve("tmp")) ? directory.resolve("tmp") : directory;
        Path probe = Files.createTempFile(scratch, ".readyz-", ".probe");
        Files.delete(probe);
        long free = Files.getFileStore(directory).getUsableSpace();
        if (free < minFreeBytes) {
          problems.add(directory + " has " + free + " bytes free, below " + minFreeBytes);
        }
      } catch (IOException | RuntimeException e) {
        problems.add(directory + " is not writable: " + e.getMessage());
      }
    }
    return problems;
  }
}
