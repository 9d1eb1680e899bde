package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recipes, held in memory and persisted one file each as {@code recipes/<name>.json}, {@code
 * {"recipe": {...}}}. Reads never wait; writes are serialized and reach the disk before the memory,
 * so what a client was told is what a restart finds.
 *
 * <p>Whether a recipe's {@code oci_url} points at this registry is not stored: each job decides it
 * when it is created ({@link JobStore#create}). Files written before kept that verdict as {@code
 * oci_url_points_here}; it is ignored, since it may have come from the {@code Host} of the request
 * that wrote the recipe.
 */
final class RecipeStore {
  static final String DIRECTORY = "recipes";
  private static final Logger LOG = LoggerFactory.getLogger(RecipeStore.class);

  private final ProvisioningDocuments files;
  private final ConcurrentSkipListMap<String, Recipe> recipes = new ConcurrentSkipListMap<>();
  private final Object writeLock = new Object();

  RecipeStore(ProvisioningDocuments files) {
    this.files = files;
  }

  /**
   * Loads every recipe file.
   *
   * @throws IOException naming the file when one is not a valid recipe
   */
  void load() throws IOException {
    for (String name : files.names(DIRECTORY)) {
      if (!RecipeParser.isValidName(name)) {
        LOG.warn("ignoring {}: not a recipe name", files.path(DIRECTORY, name));
        continue;
      }
      Optional<ObjectNode> file = files.read(DIRECTORY, name);
      if (file.isEmpty()) {
        continue;
      }
      try {
        Recipe recipe = fromFile(file.get(), name);
        if (!files.shared()) {
          // Kept in memory only when this process alone writes them; shared ones are read through.
          recipes.put(name, recipe);
        }
      } catch (ApiException e) {
        throw new IOException(
            files.path(DIRECTORY, name)
                + " is not a valid recipe: "
                + e.field().map(field -> field + ": ").orElse("")
                + e.getMessage(),
            e);
      }
    }
  }

  Optional<Recipe> get(String name) {
    if (!files.shared()) {
      return Optional.ofNullable(recipes.get(name));
    }
    if (!RecipeParser.isValidName(name)) {
      return Optional.empty();
    }
    try {
      return files.read(DIRECTORY, name).map(file -> fromFile(file, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every recipe, sorted by name. */
  List<Recipe> list() {
    if (!files.shared()) {
      return List.copyOf(recipes.values());
    }
    List<Recipe> all = new ArrayList<>();
    try {
      for (String name : files.names(DIRECTORY)) {
        get(name).ifPresent(all::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /** Stores a new recipe; returns false, changing nothing, when the name is taken. */
  boolean create(Recipe recipe) throws IOException {
    synchronized (writeLock) {
      if (exists(recipe.name())) {
        return false;
      }
      write(recipe);
      return true;
    }
  }

  /** Stores a recipe, replacing one of the same name; returns whether it is new. */
  boolean put(Recipe recipe) throws IOException {
    synchronized (writeLock) {
      boolean created = !exists(recipe.name());
      write(recipe);
      return created;
    }
  }

  /** Deletes a recipe; returns whether it existed. */
  boolean delete(String name) throws IOException {
    synchronized (writeLock) {
      if (!exists(name)) {
        return false;
      }
      files.delete(DIRECTORY, name);
      recipes.remove(name);
      return true;
    }
  }

  private boolean exists(String name) {
    return get(name).isPresent();
  }

  private void write(Recipe recipe) throws IOException {
    files.write(DIRECTORY, recipe.name(), toFile(recipe));
    if (!files.shared()) {
      recipes.put(recipe.name(), recipe);
    }
  }

  /** The content of {@code recipes/<name>.json}. */
  static ObjectNode toFile(Recipe recipe) {
    ObjectNode file = ApiJson.object();
    file.set("recipe", recipe.toJson());
    return file;
  }

  /**
   * Reads {@code recipes/<name>.json}; any other field beside {@code recipe} ({@code
   * oci_url_points_here} of earlier versions) is ignored.
   *
   * @throws ApiException when the content is not a valid recipe named {@code name}
   */
  static Recipe fromFile(ObjectNode file, String name) {
    JsonNode recipe = file.get("recipe");
    if (recipe == null || !recipe.isObject()) {
      throw ApiException.badRequest("recipe", "recipe is missing");
    }
    return RecipeParser.parse((ObjectNode) recipe, Optional.of(name));
  }
}
