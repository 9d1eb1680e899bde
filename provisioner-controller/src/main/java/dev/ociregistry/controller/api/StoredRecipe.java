package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A recipe as the store keeps it: the recipe, and whether its {@code oci_url} was found to point at
 * this registry when it was written. The latter matters for a URL with a host that matched only the
 * {@code Host} of that request: a job created later through another address still pins it.
 */
record StoredRecipe(Recipe recipe, boolean ociUrlPointsHere) {
  String name() {
    return recipe.name();
  }

  /** The content of {@code recipes/<name>.json}. */
  ObjectNode toFile() {
    ObjectNode file = ApiJson.object();
    file.set("recipe", recipe.toJson());
    file.put("oci_url_points_here", ociUrlPointsHere);
    return file;
  }

  /**
   * Reads {@code recipes/<name>.json}.
   *
   * @throws ApiException when the content is not a valid recipe named {@code name}
   */
  static StoredRecipe fromFile(ObjectNode file, String name) {
    JsonNode recipe = file.get("recipe");
    if (recipe == null || !recipe.isObject()) {
      throw ApiException.badRequest("recipe", "recipe is missing");
    }
    boolean pointsHere =
        Optional.ofNullable(file.get("oci_url_points_here")).map(JsonNode::asBoolean).orElse(false);
    return new StoredRecipe(RecipeParser.parse((ObjectNode) recipe, Optional.of(name)), pointsHere);
  }
}
