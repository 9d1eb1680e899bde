package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.RegistryException;
import java.util.Optional;

/**
 * The artifact a job installs, fixed when the job is created.
 *
 * <p>As the API shows it: {@code registry_host}, {@code repository}, {@code reference}, {@code
 * digest}, {@code pinned} (whether the registry holds a pin on the digest for this job now: true
 * from creation until the job ends) and {@code reason} (null while pinned; otherwise why not: the
 * {@code oci_url} points at another registry, the embedded registry is disabled, or the job ended
 * and released its pin).
 *
 * @param registryHost the host of the recipe's {@code oci_url}, when it names one
 * @param reference the tag or digest of the {@code oci_url}
 * @param digest the manifest digest the {@code oci_url} resolved to and that the job pins; empty
 *     when the URL points at another registry, or here while the registry is disabled
 * @param unpinned why the job has no digest; empty when it has one
 */
record JobArtifact(
    Optional<String> registryHost,
    String repository,
    String reference,
    Optional<Digest> digest,
    Optional<String> unpinned) {
  /** The reason of a job without a digest whose file predates recorded reasons. */
  static final String UNRECORDED =
      "the oci_url was not resolved in this registry when the job was created";

  /** A pinned artifact. */
  static JobArtifact pinned(OciUrl url, Digest digest) {
    return new JobArtifact(
        url.host(), url.repository(), url.reference(), Optional.of(digest), Optional.empty());
  }

  /** An artifact the job does not pin, and why. */
  static JobArtifact unpinned(OciUrl url, String reason) {
    return new JobArtifact(
        url.host(), url.repository(), url.reference(), Optional.empty(), Optional.of(reason));
  }

  /** Whether a job in {@code state} holds a pin on this artifact. */
  boolean pinnedIn(JobState state) {
    return digest.isPresent() && !state.isTerminal();
  }

  /** The artifact as the API shows it for a job in {@code state}. */
  ObjectNode toJson(JobState state) {
    ObjectNode json = ApiJson.object();
    json.put("registry_host", registryHost.orElse(null));
    json.put("repository", repository);
    json.put("reference", reference);
    json.put("digest", digest.map(Digest::toString).orElse(null));
    boolean pinned = pinnedIn(state);
    json.put("pinned", pinned);
    json.put("reason", pinned ? null : reason(state));
    return json;
  }

  private String reason(JobState state) {
    if (digest.isPresent()) {
      return "the job is "
          + state.wireName()
          + ": it released its pin on "
          + digest.get()
          + " when it ended, so garbage collection may take the content once no tag holds it";
    }
    return unpinned.orElse(UNRECORDED);
  }

  /**
   * Reads what {@link #toJson} wrote.
   *
   * @throws IllegalArgumentException when a field is missing or wrong
   */
  static JobArtifact fromJson(JsonNode json) {
    try {
      Optional<Digest> digest = optionalText(json, "digest").map(Digest::parse);
      return new JobArtifact(
          optionalText(json, "registry_host"),
          optionalText(json, "repository").orElseThrow(() -> missing("repository")),
          optionalText(json, "reference").orElseThrow(() -> missing("reference")),
          digest,
          digest.isPresent()
              ? Optional.empty()
              : Optional.of(optionalText(json, "reason").orElse(UNRECORDED)));
    } catch (RegistryException e) {
      throw new IllegalArgumentException("artifact.digest: " + e.getMessage(), e);
    }
  }

  static Optional<String> optionalText(JsonNode json, String name) {
    JsonNode node = json.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return Optional.of(node.textValue());
  }

  private static IllegalArgumentException missing(String name) {
    return new IllegalArgumentException(name + " is missing");
  }
}
