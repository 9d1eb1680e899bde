package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.model.RepositoryName;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/v1/oci/artifacts} with {@code {"namespace": "..."}}: {@code {"success": true,
 * "data": [...]}}, the envelope the provisioning orchestrator's OCI client reads (see {@link
 * ArtifactCatalog}). Errors answer {@code {"success": false, "error": "..."}} ({@link
 * JsonResponses}): 400 for a bad body or namespace, 503 while the registry is disabled.
 */
final class ArtifactsEndpoint {
  private final Optional<ArtifactCatalog> catalog;

  ArtifactsEndpoint(Optional<ArtifactCatalog> catalog) {
    this.catalog = catalog;
  }

  void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
    ObjectNode body = ApiJson.body(request);
    ApiJson.rejectUnknownFields(body, Set.of("namespace"), "");
    String namespace =
        ApiJson.requiredString(body, "namespace", "namespace", RepositoryName.MAX_LENGTH);
    if (!RepositoryName.isValid(namespace)) {
      throw ApiException.badRequest(
          "namespace",
          "namespace must be a repository name or its leading components, such as os-images");
    }
    ArtifactCatalog artifacts =
        catalog.orElseThrow(
            () ->
                ApiException.unavailable(
                    "the embedded registry is disabled (ENABLE_REGISTRY=false)"));
    ObjectNode result = ApiJson.object();
    result.put("success", true);
    ArrayNode data = result.putArray("data");
    artifacts.list(namespace).forEach(artifact -> data.add(artifact.toJson()));
    JsonResponses.write(request, response, 200, result);
  }
}
