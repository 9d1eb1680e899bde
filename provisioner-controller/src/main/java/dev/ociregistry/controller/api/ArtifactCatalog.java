package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.metadata.ManifestLink;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.StoredManifest;
import dev.ociregistry.core.model.Tag;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The artifacts of a namespace, as {@code POST /api/v1/oci/artifacts} lists them for the
 * provisioning orchestrator's OCI client (its {@code list_oci_artifacts}): one entry per tag of
 * every repository {@code <namespace>/...}.
 *
 * <ul>
 *   <li>{@code name}: the repository path after {@code <namespace>/} (a repository named exactly
 *       {@code <namespace>} has no such path and is left out);
 *   <li>{@code version}: the tag;
 *   <li>{@code digest}, {@code media_type}: the manifest the tag points at;
 *   <li>{@code size}: for an image manifest the sum of its config and layer sizes, what a pull
 *       transfers besides the manifest; for an index the index manifest's own size, as its children
 *       may share blobs or be pulled one platform at a time;
 *   <li>{@code created_at}: the manifest's {@code org.opencontainers.image.created} annotation when
 *       it is an RFC 3339 time, else when the manifest was last pushed (core keeps no write time
 *       per tag; a tag moves only by a push, which rewrites that time), in ISO-8601 UTC.
 * </ul>
 *
 * Sorted by name, then version. A tag that moves or disappears while the listing is built is
 * skipped or shown at either digest, never an error.
 */
final class ArtifactCatalog {
  static final String CREATED_ANNOTATION = "org.opencontainers.image.created";

  private final OciRegistry registry;

  /** One entry of the listing. */
  record Artifact(
      String name, String version, Digest digest, long size, String mediaType, Instant createdAt) {
    ObjectNode toJson() {
      ObjectNode json = ApiJson.object();
      json.put("name", name);
      json.put("version", version);
      json.put("digest", digest.toString());
      json.put("size", size);
      json.put("media_type", mediaType);
      json.put("created_at", createdAt.toString());
      return json;
    }
  }

  ArtifactCatalog(OciRegistry registry) {
    this.registry = registry;
  }

  /**
   * The artifacts under {@code namespace}.
   *
   * @param namespace a valid repository name
   */
  List<Artifact> list(String namespace) throws IOException {
    String prefix = namespace + "/";
    List<Artifact> artifacts = new ArrayList<>();
    for (RepositoryName repository :
        registry.catalog().listUnder(RepositoryName.parse(namespace))) {
      String name = repository.value().substring(prefix.length());
      for (Tag tag : registry.tags().list(repository)) {
        describe(repository, name, tag).ifPresent(artifacts::add);
      }
    }
    artifacts.sort(Comparator.comparing(Artifact::name).thenComparing(Artifact::version));
    return artifacts;
  }

  private Optional<Artifact> describe(RepositoryName repository, String name, Tag tag)
      throws IOException {
    Optional<StoredManifest> manifest = registry.manifests().get(repository, Reference.of(tag));
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    ManifestView view = ManifestView.of(manifest.get());
    long size =
        view.isIndex()
            ? manifest.get().size()
            : view.blobs().stream().mapToLong(ManifestView.Entry::size).sum();
    Optional<Instant> created = parseTime(view.annotations().get(CREATED_ANNOTATION));
    if (created.isEmpty()) {
      created =
          registry
              .manifests()
              .linkInfo(repository, manifest.get().digest())
              .map(ManifestLink::lastReferenced);
    }
    return Optional.of(
        new Artifact(
            name,
            tag.value(),
            manifest.get().digest(),
            size,
            manifest.get().mediaType(),
            created.orElse(Instant.EPOCH)));
  }

  private static Optional<Instant> parseTime(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
