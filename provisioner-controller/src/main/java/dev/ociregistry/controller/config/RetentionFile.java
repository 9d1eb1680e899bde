package dev.ociregistry.controller.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.core.model.RepositoryGlob;
import dev.ociregistry.core.retention.RetentionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The retention file ({@code REGISTRY_RETENTION_FILE}):
 *
 * <pre>{@code
 * {"rules": [
 *   {"repositories": "provisioning-test/**", "keepNewest": 3, "maxAge": "7d",
 *    "alwaysKeep": ["latest", "v*"]}
 * ]}
 * }</pre>
 *
 * <p>{@code repositories} is a repository glob ({@code *}, {@code **}, {@code ?}); {@code
 * keepNewest} a whole number, {@code maxAge} a duration ({@code 90s}, {@code 15m}, {@code 1h},
 * {@code 7d}), both optional; {@code alwaysKeep} tag patterns ({@code *} any characters, {@code ?}
 * one). A bad file stops start-up naming the rule and field.
 */
public final class RetentionFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS =
      Set.of("repositories", "keepNewest", "maxAge", "alwaysKeep");
  private static final int MAX_FILE_BYTES = 1024 * 1024;

  private RetentionFile() {}

  /**
   * Reads the file.
   *
   * @throws ConfigException naming the file, the rule and what is wrong
   */
  public static RetentionPolicy read(Path file) throws ConfigException {
    JsonNode root;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException(
            "REGISTRY_RETENTION_FILE=" + file + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "REGISTRY_RETENTION_FILE="
              + file
              + ":"
              + line(e)
              + ": not JSON: "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(
          "REGISTRY_RETENTION_FILE=" + file + " cannot be read: " + e.getMessage());
    }
    if (root == null || !root.path("rules").isArray() || root.size() != 1) {
      throw new ConfigException(
          "REGISTRY_RETENTION_FILE=" + file + " must be {\"rules\": [...]} and nothing else");
    }
    List<RetentionPolicy.Rule> rules = new ArrayList<>();
    int index = 0;
    for (JsonNode rule : root.path("rules")) {
      rules.add(rule(rule, "REGISTRY_RETENTION_FILE=" + file + ": rules[" + index++ + "]"));
    }
    return new RetentionPolicy(rules);
  }

  private static RetentionPolicy.Rule rule(JsonNode node, String where) throws ConfigException {
    if (!node.isObject()) {
      throw new ConfigException(where + " must be an object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new ConfigException(
            where + ": unknown field \"" + name + "\"; a rule takes " + String.join(", ", FIELDS));
      }
    }
    RepositoryGlob glob;
    try {
      glob = RepositoryGlob.parse(node.path("repositories").asText(""));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ".repositories: " + e.getMessage());
    }
    OptionalInt keepNewest = OptionalInt.empty();
    if (node.has("keepNewest")) {
      JsonNode value = node.get("keepNewest");
      if (!value.isIntegralNumber() || value.asLong() < 0 || value.asLong() > 1_000_000) {
        throw new ConfigException(where + ".keepNewest must be a whole number from 0 to 1000000");
      }
      keepNewest = OptionalInt.of(value.asInt());
    }
    Optional<Duration> maxAge = Optional.empty();
    if (node.has("maxAge")) {
      try {
        maxAge = Optional.of(Durations.parse(node.get("maxAge").asText()));
      } catch (RuntimeException e) {
        throw new ConfigException(where + ".maxAge must be a duration such as 7d, 90d or 12h");
      }
    }
    List<Pattern> alwaysKeep = new ArrayList<>();
    for (JsonNode pattern : node.path("alwaysKeep")) {
      if (!pattern.isTextual() || pattern.asText().isEmpty()) {
        throw new ConfigException(where + ".alwaysKeep must be a list of tag patterns");
      }
      alwaysKeep.add(RetentionPolicy.tagPattern(pattern.asText()));
    }
    if (keepNewest.isEmpty() && maxAge.isEmpty()) {
      throw new ConfigException(where + " needs keepNewest, maxAge or both");
    }
    return new RetentionPolicy.Rule(glob, keepNewest, maxAge, alwaysKeep);
  }

  private static int line(JsonProcessingException e) {
    return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
  }
}
