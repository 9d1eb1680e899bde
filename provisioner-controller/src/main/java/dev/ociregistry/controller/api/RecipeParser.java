package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a JSON body into a {@link Recipe}, checking every field and naming the first one that is
 * wrong. Checks only the recipe's own syntax; whether a local {@code oci_url} resolves is {@link
 * ArtifactResolver}'s job.
 *
 * <table>
 *   <caption>Fields</caption>
 *   <tr><th>field</th><th>rule</th></tr>
 *   <tr><td>name</td><td>required on POST, optional on PUT (then equal to the URL's):
 *       {@code [a-z0-9][a-z0-9._-]{0,63}}</td></tr>
 *   <tr><td>task_target</td><td>required, a string of at most 256 characters</td></tr>
 *   <tr><td>target_disk</td><td>required, a string of at most 256 characters</td></tr>
 *   <tr><td>oci_url</td><td>required, see {@link OciUrl}</td></tr>
 *   <tr><td>partitions</td><td>required, 1 to 128 objects: {@code mount} (required, unique),
 *       {@code size} (required: digits with an optional unit K, M, G, T, P, E, optionally followed
 *       by iB or B; {@code 0} is the rest of the disk), {@code fstype} (optional,
 *       {@code [A-Za-z0-9._-]{1,32}})</td></tr>
 *   <tr><td>cloud_init</td><td>optional, a JSON object, kept as given</td></tr>
 *   <tr><td>unattend_xml</td><td>optional, a non-empty string; not with cloud_init</td></tr>
 * </table>
 *
 * <p>Unknown fields are rejected before anything else, so a misspelt field is named as such rather
 * than reported missing. A field given as {@code null} counts as absent.
 */
final class RecipeParser {
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  static final int MAX_PARTITIONS = 128;

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "task_target",
          "target_disk",
          "oci_url",
          "partitions",
          "cloud_init",
          "unattend_xml");
  private static final Set<String> PARTITION_FIELDS = Set.of("mount", "size", "fstype");
  private static final Pattern SIZE =
      Pattern.compile("[0-9]{1,19}(?:[KMGTPEkmgtpe](?:i?[Bb])?|[Bb])?");
  private static final Pattern FSTYPE = Pattern.compile("[A-Za-z0-9._-]{1,32}");
  private static final int MAX_TEXT = 256;

  private RecipeParser() {}

  /** Whether {@code name} can name a recipe. */
  static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }

  /**
   * Parses a recipe.
   *
   * @param urlName the name in the URL of a PUT; empty for a POST, where the body must name it
   * @throws ApiException 400 naming the first field that is wrong
   */
  static Recipe parse(ObjectNode body, Optional<String> urlName) {
    ApiJson.rejectUnknownFields(body, FIELDS, "");
    String name = name(body, urlName);
    String taskTarget =
        ApiJson.singleLine(
            ApiJson.requiredString(body, "task_target", "task_target", MAX_TEXT), "task_target");
    String targetDisk =
        ApiJson.singleLine(
            ApiJson.requiredString(body, "target_disk", "target_disk", MAX_TEXT), "target_disk");
    String ociUrl = ApiJson.requiredString(body, "oci_url", "oci_url", OciUrl.MAX_LENGTH);
    OciUrl url = OciUrl.parse(ociUrl);
    List<Partition> partitions = partitions(body.get("partitions"));
    Optional<ObjectNode> cloudInit = cloudInit(body.get("cloud_init"));
    Optional<String> unattendXml =
        ApiJson.optionalString(body, "unattend_xml", "unattend_xml", ApiJson.MAX_BODY_BYTES);
    if (cloudInit.isPresent() && unattendXml.isPresent()) {
      throw ApiException.badRequest(
          "unattend_xml", "a recipe has cloud_init (Linux) or unattend_xml (Windows), not both");
    }
    return new Recipe(name, taskTarget, targetDisk, url, partitions, cloudInit, unattendXml);
  }

  private static String name(ObjectNode body, Optional<String> urlName) {
    Optional<String> given = ApiJson.optionalString(body, "name", "name", 1024);
    if (urlName.isPresent()) {
      if (given.isPresent() && !given.get().equals(urlName.get())) {
        throw ApiException.badRequest(
            "name", "the body's name " + given.get() + " differs from the URL's " + urlName.get());
      }
      return checkName(urlName.get());
    }
    return checkName(given.orElseThrow(() -> ApiException.badRequest("name", "name is required")));
  }

  private static String checkName(String name) {
    if (!isValidName(name)) {
      throw ApiException.badRequest(
          "name",
          "name must match [a-z0-9][a-z0-9._-]{0,63}: lowercase letters, digits, '.', '_' and '-',"
              + " starting with a letter or digit, at most 64 characters");
    }
    return name;
  }

  private static List<Partition> partitions(JsonNode node) {
    if (node == null || node.isNull()) {
      throw ApiException.badRequest("partitions", "partitions is required");
    }
    if (!node.isArray()) {
      throw ApiException.badRequest("partitions", "partitions must be an array of objects");
    }
    if (node.isEmpty()) {
      throw ApiException.badRequest("partitions", "partitions must not be empty");
    }
    if (node.size() > MAX_PARTITIONS) {
      throw ApiException.badRequest(
          "partitions", "partitions holds more than " + MAX_PARTITIONS + " entries");
    }
    List<Partition> partitions = new ArrayList<>();
    Set<String> mounts = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String prefix = "partitions[" + i + "]";
      JsonNode entry = node.get(i);
      if (!entry.isObject()) {
        throw ApiException.badRequest(prefix, prefix + " must be an object");
      }
      ObjectNode object = (ObjectNode) entry;
      ApiJson.rejectUnknownFields(object, PARTITION_FIELDS, prefix + ".");
      String mount =
          ApiJson.singleLine(
              ApiJson.requiredString(object, "mount", prefix + ".mount", MAX_TEXT),
              prefix + ".mount");
      if (!mounts.add(mount)) {
        throw ApiException.badRequest(
            prefix + ".mount", prefix + ".mount " + mount + " appears twice");
      }
      String size = ApiJson.requiredString(object, "size", prefix + ".size", 32);
      if (!SIZE.matcher(size).matches()) {
        throw ApiException.badRequest(
            prefix + ".size",
            prefix
                + ".size must be digits with an optional unit (512M, 20G, 1TiB); 0 is the rest"
                + " of the disk");
      }
      Optional<String> fstype = ApiJson.optionalString(object, "fstype", prefix + ".fstype", 32);
      if (fstype.isPresent() && !FSTYPE.matcher(fstype.get()).matches()) {
        throw ApiException.badRequest(
            prefix + ".fstype", prefix + ".fstype must match [A-Za-z0-9._-]{1,32}");
      }
      partitions.add(new Partition(mount, size, fstype));
    }
    return partitions;
  }

  private static Optional<ObjectNode> cloudInit(JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw ApiException.badRequest("cloud_init", "cloud_init must be a JSON object");
    }
    return Optional.of((ObjectNode) node);
  }
}
