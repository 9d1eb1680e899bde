package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.StoredManifest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@code task.json}, what the maintenance OS of a job fetches: the job, its copy of the
 * recipe, and the artifact to pull, read from the digest the job pinned, so a tag moved after the
 * job was created changes nothing.
 *
 * <pre>{@code
 * {"job_id": "...", "server": "...", "state": "queued", "recipe": "ubuntu-22-04",
 *  "task_target": "...", "target_disk": "...", "oci_url": "...", "partitions": [...],
 *  "cloud_init": {...},
 *  "artifact": {"registry_host": null, "repository": "os-images/ubuntu", "reference": "22.04",
 *    "digest": "sha256:...", "media_type": "application/vnd.oci.image.manifest.v1+json",
 *    "manifest_url": "/v2/os-images/ubuntu/manifests/sha256:...",
 *    "blobs": [{"digest": "sha256:...", "size": 123, "media_type": "...",
 *               "url": "/v2/os-images/ubuntu/blobs/sha256:...",
 *               "annotations": {"org.opencontainers.image.title": "rootfs.tar.gz"}}]}}
 * }</pre>
 *
 * <p>For an image manifest, {@code blobs} is its config, then its layers; a foreign layer carries
 * the {@code urls} of its manifest instead of a {@code url} here (a layer the registry holds keeps
 * its {@code urls} beside the {@code url}). For an index, {@code manifests} lists each child
 * ({@code digest}, {@code size}, {@code media_type}, {@code platform} and {@code artifact_type}
 * when given, {@code manifest_url}, and its own {@code blobs}, or {@code manifests} for a nested
 * index; a child listed a second time carries an empty {@code blobs}, as it is described at its
 * first place), and {@code blobs} is every child's blobs once each, so a machine can pick its
 * platform or fetch everything. URLs are paths on this server. When the {@code oci_url} points at
 * another registry, {@code digest}, {@code media_type} and {@code manifest_url} are null and {@code
 * blobs} is empty: the machine pulls {@code oci_url} itself.
 */
final class TaskDocument {
  private static final int MAX_INDEX_DEPTH = 4;

  /** The most manifests one task document describes; an index is bounded, a malicious one not. */
  static final int MAX_MANIFESTS = 1000;

  private final Optional<OciRegistry> registry;

  TaskDocument(Optional<OciRegistry> registry) {
    this.registry = registry;
  }

  /**
   * The {@code task.json} of {@code job}.
   *
   * @param pathPrefix the context path the {@code /v2} URLs start with (empty at the root)
   * @throws ApiException 410 when the pinned manifest is no longer in the registry, 503 when the
   *     registry is disabled but the job has a digest
   */
  ObjectNode build(Job job, String pathPrefix) throws IOException {
    ObjectNode task = ApiJson.object();
    task.put("job_id", job.id().toString());
    task.put("server", job.server());
    task.put("state", job.state().wireName());
    task.put("recipe", job.recipe().name());
    job.recipe().putFields(task);
    ObjectNode artifact = job.artifact().toJson(job.state());
    task.set("artifact", artifact);
    if (job.artifact().digest().isEmpty()) {
      artifact.putNull("media_type");
      artifact.putNull("manifest_url");
      artifact.putArray("blobs");
      return task;
    }
    OciRegistry registry =
        this.registry.orElseThrow(
            () ->
                ApiException.unavailable(
                    "the embedded registry is disabled; the artifact of job "
                        + job.id()
                        + " cannot be served"));
    RepositoryName repository = RepositoryName.parse(job.artifact().repository());
    Digest digest = job.artifact().digest().get();
    Urls urls = new Urls(pathPrefix, repository);
    Walk walk = new Walk();
    Map<String, ObjectNode> allBlobs = walk.allBlobs;
    ObjectNode manifest =
        describe(registry, repository, digest, urls, walk, 0)
            .orElseThrow(
                () ->
                    ApiException.gone(
                        "the artifact "
                            + repository
                            + "@"
                            + digest
                            + " of job "
                            + job.id()
                            + " is no longer in the registry"));
    artifact.set("media_type", manifest.get("media_type"));
    artifact.set("manifest_url", manifest.get("manifest_url"));
    ArrayNode blobs = artifact.putArray("blobs");
    allBlobs.values().forEach(blobs::add);
    if (manifest.has("manifests")) {
      artifact.set("manifests", manifest.get("manifests"));
    }
    return task;
  }

  /**
   * What one document walk has seen: every blob once, every manifest described once (an index that
   * lists a child again refers to it by URL only), and a bound on how many manifests it reads.
   */
  private static final class Walk {
    final Map<String, ObjectNode> allBlobs = new LinkedHashMap<>();
    final java.util.Set<Digest> described = new java.util.HashSet<>();
  }

  /** The manifest {@code digest} with its blobs or children; empty when it is not stored. */
  private Optional<ObjectNode> describe(
      OciRegistry registry,
      RepositoryName repository,
      Digest digest,
      Urls urls,
      Walk walk,
      int depth)
      throws IOException {
    if (!walk.described.add(digest)) {
      return Optional.empty();
    }
    if (walk.described.size() > MAX_MANIFESTS) {
      throw ApiException.tooLarge(
          "the artifact references more than " + MAX_MANIFESTS + " manifests");
    }
    Map<String, ObjectNode> allBlobs = walk.allBlobs;
    Optional<StoredManifest> stored = registry.manifests().get(repository, Reference.of(digest));
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    ManifestView view = ManifestView.of(stored.get());
    ObjectNode json = ApiJson.object();
    json.put("digest", digest.toString());
    json.put("size", view.size());
    json.put("media_type", view.mediaType());
    json.put("manifest_url", urls.manifest(digest.toString()));
    if (!view.isIndex()) {
      ArrayNode blobs = json.putArray("blobs");
      for (ManifestView.Entry blob : view.blobs()) {
        ObjectNode entry = blob(blob, urls);
        blobs.add(entry);
        allBlobs.putIfAbsent(blob.digest(), entry);
      }
      return Optional.of(json);
    }
    ArrayNode children = json.putArray("manifests");
    for (ManifestView.Entry child : view.manifests()) {
      ObjectNode entry = ApiJson.object();
      entry.put("digest", child.digest());
      entry.put("size", child.size());
      entry.put("media_type", child.mediaType());
      copy(child.extra(), "platform", entry, "platform");
      copy(child.extra(), "artifactType", entry, "artifact_type");
      copy(child.extra(), "annotations", entry, "annotations");
      entry.put("manifest_url", urls.manifest(child.digest()));
      Optional<ObjectNode> described = Optional.empty();
      if (depth < MAX_INDEX_DEPTH) {
        described = describeChild(registry, repository, child.digest(), urls, walk, depth);
      }
      described.map(d -> d.get("blobs")).ifPresent(b -> entry.set("blobs", b));
      described.map(d -> d.get("manifests")).ifPresent(m -> entry.set("manifests", m));
      if (!entry.has("blobs") && !entry.has("manifests")) {
        entry.putArray("blobs");
      }
      children.add(entry);
    }
    return Optional.of(json);
  }

  private Optional<ObjectNode> describeChild(
      OciRegistry registry,
      RepositoryName repository,
      String digest,
      Urls urls,
      Walk walk,
      int depth)
      throws IOException {
    Digest child;
    try {
      child = Digest.parse(digest);
    } catch (RegistryException e) {
      return Optional.empty();
    }
    return describe(registry, repository, child, urls, walk, depth + 1);
  }

  private static ObjectNode blob(ManifestView.Entry blob, Urls urls) {
    ObjectNode entry = ApiJson.object();
    entry.put("digest", blob.digest());
    entry.put("size", blob.size());
    entry.put("media_type", blob.mediaType());
    JsonNode fetchFrom = blob.extra().path("urls");
    if (!MediaTypes.isForeignLayer(blob.mediaType(), fetchFrom.isArray() && !fetchFrom.isEmpty())) {
      entry.put("url", urls.blob(blob.digest()));
    }
    copy(blob.extra(), "urls", entry, "urls");
    copy(blob.extra(), "annotations", entry, "annotations");
    return entry;
  }

  private static void copy(ObjectNode from, String name, ObjectNode to, String as) {
    JsonNode value = from.get(name);
    if (value != null) {
      to.set(as, value);
    }
  }

  /** The {@code /v2} URLs of one repository. */
  private record Urls(String prefix, RepositoryName repository) {
    String manifest(String digest) {
      return prefix + "/v2/" + repository + "/manifests/" + digest;
    }

    String blob(String digest) {
      return prefix + "/v2/" + repository + "/blobs/" + digest;
    }
  }
}
