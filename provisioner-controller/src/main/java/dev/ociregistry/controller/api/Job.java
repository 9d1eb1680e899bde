package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/**
 * A provisioning job: one recipe installed on one server. The job keeps a copy of the recipe as it
 * was when the job was created, so replacing or deleting the recipe later changes nothing for a
 * machine already being provisioned.
 *
 * @param recipe the recipe as it was when the job was created
 * @param server the server being provisioned, as the client named it
 * @param message what the machine last reported with its state, when it said anything
 */
record Job(
    UUID id,
    Recipe recipe,
    String server,
    JobState state,
    Optional<String> message,
    Instant createdAt,
    Instant updatedAt,
    JobArtifact artifact) {

  /** What the registry pins of jobs are named with, before the job id. */
  static final String PIN_PREFIX = "job-";

  /** The id of the registry pin that keeps this job's artifact. */
  String pinId() {
    return pinId(id);
  }

  static String pinId(UUID id) {
    return PIN_PREFIX + id;
  }

  /** This job in {@code next}, with {@code message}, changed at {@code now}. */
  Job moveTo(JobState next, Optional<String> message, Instant now) {
    return new Job(id, recipe, server, next, message, createdAt, now, artifact);
  }

  /** The job as the API shows it. */
  ObjectNode toJson() {
    ObjectNode json = ApiJson.object();
    json.put("id", id.toString());
    json.put("recipe", recipe.name());
    json.put("server", server);
    json.put("state", state.wireName());
    json.put("message", message.orElse(null));
    json.put("created_at", createdAt.toString());
    json.put("updated_at", updatedAt.toString());
    json.set("artifact", artifact.toJson(state));
    return json;
  }

  /** The content of {@code jobs/<id>.json}: the job and its copy of the recipe. */
  ObjectNode toFile() {
    ObjectNode file = ApiJson.object();
    file.set("job", toJson());
    file.set("recipe", recipe.toJson());
    return file;
  }

  /**
   * Reads {@code jobs/<id>.json}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static Job fromFile(ObjectNode file, UUID id) {
    JsonNode job = file.get("job");
    JsonNode recipe = file.get("recipe");
    if (job == null || !job.isObject() || recipe == null || !recipe.isObject()) {
      throw new IllegalArgumentException("job and recipe objects are required");
    }
    String fileId = text(job, "id");
    if (!fileId.equals(id.toString())) {
      throw new IllegalArgumentException("its id is " + fileId);
    }
    Recipe copy;
    try {
      copy = RecipeParser.parse((ObjectNode) recipe, Optional.empty());
    } catch (ApiException e) {
      throw new IllegalArgumentException(
          "recipe." + e.field().orElse("") + ": " + e.getMessage(), e);
    }
    JsonNode artifact = job.get("artifact");
    if (artifact == null || !artifact.isObject()) {
      throw new IllegalArgumentException("artifact is missing");
    }
    try {
      return new Job(
          id,
          copy,
          text(job, "server"),
          JobState.fromWireName(text(job, "state"))
              .orElseThrow(() -> new IllegalArgumentException("unknown state")),
          JobArtifact.optionalText(job, "message"),
          Instant.parse(text(job, "created_at")),
          Instant.parse(text(job, "updated_at")),
          JobArtifact.fromJson(artifact));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("a time is not ISO-8601: " + e.getParsedString(), e);
    }
  }

  private static String text(JsonNode json, String name) {
    return JobArtifact.optionalText(json, name)
        .orElseThrow(() -> new IllegalArgumentException(name + " is missing"));
  }
}
