package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/** {@code /api/v1/recipes} and {@code /api/v1/recipes/{name}}. */
final class RecipeEndpoints {
  private final RecipeStore recipes;
  private final ArtifactResolver resolver;

  RecipeEndpoints(RecipeStore recipes, ArtifactResolver resolver) {
    this.recipes = recipes;
    this.resolver = resolver;
  }

  /** {@code GET /recipes}: {@code {"recipes": [...]}}, sorted by name. */
  void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
    ObjectNode body = ApiJson.object();
    ArrayNode list = body.putArray("recipes");
    recipes.list().forEach(recipe -> list.add(recipe.toJson()));
    JsonResponses.write(request, response, 200, body);
  }

  /** {@code POST /recipes}: 201 with {@code Location}; 409 when the name is taken. */
  void create(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Recipe recipe = RecipeParser.parse(ApiJson.body(request), Optional.empty());
    if (recipes.get(recipe.name()).isPresent()) {
      throw taken(recipe.name());
    }
    check(recipe, request);
    if (!recipes.create(recipe)) {
      throw taken(recipe.name());
    }
    response.setHeader("Location", location(request, recipe.name()));
    JsonResponses.write(request, response, 201, recipe.toJson());
  }

  /** {@code GET /recipes/{name}}. */
  void get(HttpServletRequest request, HttpServletResponse response, String name)
      throws IOException {
    Recipe recipe = recipes.get(name).orElseThrow(() -> missing(name));
    JsonResponses.write(request, response, 200, recipe.toJson());
  }

  /** {@code PUT /recipes/{name}}: 200 when it replaced a recipe, 201 with Location when new. */
  void put(HttpServletRequest request, HttpServletResponse response, String name)
      throws IOException {
    Recipe recipe = RecipeParser.parse(ApiJson.body(request), Optional.of(name));
    check(recipe, request);
    boolean created = recipes.put(recipe);
    if (created) {
      response.setHeader("Location", location(request, name));
    }
    JsonResponses.write(request, response, created ? 201 : 200, recipe.toJson());
  }

  /** {@code DELETE /recipes/{name}}: 204. Jobs keep their own copy of the recipe. */
  void delete(HttpServletResponse response, String name) throws IOException {
    if (!recipes.delete(name)) {
      throw missing(name);
    }
    JsonResponses.noContent(response);
  }

  /**
   * Checks the {@code oci_url} of a recipe that points here names a manifest. The verdict is not
   * kept: each job of the recipe decides it again ({@link JobStore#create}).
   */
  private void check(Recipe recipe, HttpServletRequest request) throws IOException {
    OciUrl url = recipe.ociUrl();
    if (resolver.locate(url, JsonResponses.reached(request)).here()) {
      resolver.checkLocal(url);
    }
  }

  private static String location(HttpServletRequest request, String name) {
    return request.getContextPath() + request.getServletPath() + "/recipes/" + name;
  }

  private static ApiException taken(String name) {
    return ApiException.conflict(
        "name", "a recipe named " + name + " exists; PUT /api/v1/recipes/" + name + " replaces it");
  }

  static ApiException missing(String name) {
    return ApiException.notFound("no recipe named " + name);
  }
}
