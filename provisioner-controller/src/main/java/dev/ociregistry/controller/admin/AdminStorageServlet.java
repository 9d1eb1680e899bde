package dev.ociregistry.controller.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.controller.api.JsonResponses;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.gc.GcReport;
import dev.ociregistry.core.layout.StorageStatistics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * {@code GET /admin/storage}: where the bytes are, from the totals and the link index core keeps
 * current (no scan of the store): bytes and counts of blobs and manifests, the bytes upload
 * sessions hold, blobs no repository links, and per repository the bytes it references and the
 * bytes only it references (what deleting it would free). With {@code ?gc=true} it also runs a
 * garbage collection dry run, which does walk the store, and answers what a run would free now.
 */
public final class AdminStorageServlet extends AdminServlet {
  private static final long serialVersionUID = 1L;

  private final transient OciRegistry registry;
  private final transient GcService gc;

  public AdminStorageServlet(OciRegistry registry, GcService gc) {
    super("GET", "HEAD");
    this.registry = registry;
    this.gc = gc;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Optional<Boolean> withGc = flag(request, response, "gc");
    if (withGc.isEmpty()) {
      return;
    }
    StorageStatistics.Usage usage;
    try {
      usage = registry.statistics().usage();
    } catch (UncheckedIOException e) {
      // Shared metadata counts the store itself, and may be unreachable for a moment.
      JsonResponses.error(
          request,
          response,
          HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          null,
          "the storage figures cannot be read now: " + e.getCause().getMessage());
      return;
    }
    long uploadBytes = registry.uploads().openBytes();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("bytes_on_disk", usage.totals().blobBytes() + uploadBytes);
    body.put("blob_bytes", usage.totals().blobBytes());
    body.put("blobs", usage.totals().blobs());
    body.put("manifests", usage.totals().manifests());
    ObjectNode uploads = body.putObject("uploads");
    uploads.put("open", registry.uploads().openCount());
    uploads.put("bytes", uploadBytes);
    ObjectNode unlinked = body.putObject("unlinked");
    unlinked.put("blobs", usage.unlinkedBlobs());
    unlinked.put("bytes", usage.unlinkedBytes());
    ArrayNode repositories = body.putArray("repositories");
    for (StorageStatistics.RepositoryUsage repository : usage.repositories()) {
      ObjectNode entry = repositories.addObject();
      entry.put("name", repository.repository().value());
      entry.put("blobs", repository.blobs());
      entry.put("referenced_bytes", repository.referencedBytes());
      entry.put("exclusive_bytes", repository.exclusiveBytes());
    }
    if (withGc.get()) {
      GcReport dryRun = gc.run(true);
      ObjectNode collectable = body.putObject("gc_would_free");
      collectable.put("bytes", dryRun.bytesFreed());
      collectable.put("blobs", dryRun.blobsDeleted());
      collectable.put("manifests", dryRun.manifestsDeleted());
    }
    JsonResponses.write(request, response, HttpServletResponse.SC_OK, body);
  }
}
