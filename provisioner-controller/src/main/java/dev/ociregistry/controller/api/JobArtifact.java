package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.RegistryException;
import java.util.Optional;

/**
 * The artifact a job installs, fixed when the job is created.
 *
 * @param registryHost the host of the recipe's {@code oci_url}, when it names one
 * @param reference the tag or digest of the {@code oci_url}
 * @param digest the manifest digest the {@code oci_url} resolved to and that the job pins; empty
 *     when the URL points at another registry, or here while the registry is disabled
 */
record JobArtifact(
    Optional<String> registryHost, String repository, String reference, Optional<Digest> digest) {
  ObjectNode toJson() {
    ObjectNode json = ApiJson.object();
    json.put("registry_host", registryHost.orElse(null));
    json.put("repository", repository);
    json.put("reference", reference);
    json.put("digest", digest.map(Digest::toString).orElse(null));
    return json;
  }

  /**
   * Reads what {@link #toJson} wrote.
   *
   * @throws IllegalArgumentException when a field is missing or wrong
   */
  static JobArtifact fromJson(JsonNode json) {
    try {
      return new JobArtifact(
          optionalText(json, "registry_host"),
          optionalText(json, "repository").orElseThrow(() -> missing("repository")),
          optionalText(json, "reference").orElseThrow(() -> missing("reference")),
          optionalText(json, "digest").map(Digest::parse));
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
