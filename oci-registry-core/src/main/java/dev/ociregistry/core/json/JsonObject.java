package dev.ociregistry.core.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, path-aware access to a parsed JSON object. A field of the wrong type fails with a {@link
 * JsonException} that names the field, e.g. {@code layers[2].size}.
 */
public final class JsonObject {
  private final Map<String, Object> fields;
  private final String path;

  JsonObject(Map<String, Object> fields, String path) {
    this.fields = fields;
    this.path = path;
  }

  /** The fields, in document order. */
  public Map<String, Object> asMap() {
    return fields;
  }

  public boolean has(String name) {
    Object value = fields.get(name);
    return value != null && value != Json.NULL;
  }

  /** Whether {@code name} is an array with at least one element. */
  public boolean hasNonEmptyArray(String name) {
    return fields.get(name) instanceof List<?> list && !list.isEmpty();
  }

  public String string(String name) {
    return optString(name).orElseThrow(() -> missing(name));
  }

  public Optional<String> optString(String name) {
    Object value = present(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      throw wrongType(name, "a string");
    }
    return Optional.of(s);
  }

  public long integer(String name) {
    Object value = present(name);
    if (value == null) {
      throw missing(name);
    }
    if (!(value instanceof Long l)) {
      throw wrongType(name, "an integer");
    }
    return l;
  }

  public JsonObject object(String name) {
    return optObject(name).orElseThrow(() -> missing(name));
  }

  public Optional<JsonObject> optObject(String name) {
    Object value = present(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Map)) {
      throw wrongType(name, "an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    return Optional.of(new JsonObject(map, child(name)));
  }

  /** The objects of an array field; an absent field is an empty list. */
  public List<JsonObject> objects(String name) {
    Object value = present(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw wrongType(name, "an array");
    }
    List<JsonObject> result = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map)) {
        throw new JsonException(child(name) + "[" + i + "] must be an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) list.get(i);
      result.add(new JsonObject(map, child(name) + "[" + i + "]"));
    }
    return result;
  }

  /** A map of string to string (annotations, labels); an absent field is an empty map. */
  public Map<String, String> stringMap(String name) {
    Optional<JsonObject> object = optObject(name);
    if (object.isEmpty()) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : object.get().fields.entrySet()) {
      if (!(entry.getValue() instanceof String s)) {
        throw new JsonException(child(name) + "." + entry.getKey() + " must be a string");
      }
      result.put(entry.getKey(), s);
    }
    return Collections.unmodifiableMap(result);
  }

  /** The path of this object in the document, empty for the root. */
  public String path() {
    return path;
  }

  private Object present(String name) {
    Object value = fields.get(name);
    return value == Json.NULL ? null : value;
  }

  private String child(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private JsonException missing(String name) {
    return new JsonException(child(name) + " is required");
  }

  private JsonException wrongType(String name, String type) {
    return new JsonException(child(name) + " must be " + type);
  }
}
