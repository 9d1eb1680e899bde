package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a JSON value against a JSON Schema (2020-12, as OpenAPI 3.1 uses it), for the subset the
 * API's reference uses: {@code $ref} (local, {@code #/...}), {@code type} (one or a list), {@code
 * enum}, {@code required}, {@code properties}, {@code additionalProperties} (a boolean or a
 * schema), {@code items}, {@code pattern}, {@code minLength}, {@code maxLength}, {@code minItems},
 * {@code maxItems} and {@code format} ({@code date-time}, {@code uuid}, {@code int64}); {@code
 * description}, {@code title} and {@code examples} are annotations. Any other keyword is a problem
 * in itself, so the document cannot state a rule this check would silently skip.
 *
 * <p>Written here rather than taken from a library: the subset is small, and the build keeps its
 * dependencies pinned in one place that a test helper should not grow.
 */
public final class JsonSchemaCheck {
  private static final Set<String> ANNOTATIONS = Set.of("description", "title", "examples");
  private static final Set<String> KEYWORDS =
      Set.of(
          "$ref",
          "type",
          "enum",
          "required",
          "properties",
          "additionalProperties",
          "items",
          "pattern",
          "minLength",
          "maxLength",
          "minItems",
          "maxItems",
          "format");
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final int MAX_DEPTH = 64;

  private final JsonNode document;

  /**
   * @param document the document {@code $ref}s point into
   */
  public JsonSchemaCheck(JsonNode document) {
    this.document = document;
  }

  /** The keywords of one schema object that this check neither applies nor takes as annotations. */
  public static List<String> unsupportedKeywords(JsonNode schema) {
    List<String> unsupported = new ArrayList<>();
    schema
        .fieldNames()
        .forEachRemaining(
            keyword -> {
              if (!KEYWORDS.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                unsupported.add(keyword);
              }
            });
    return unsupported;
  }

  /**
   * What is wrong with {@code value} against {@code schema}: one line per problem, each naming
   * where ({@code $.artifact.digest}); empty when it conforms.
   */
  public List<String> problems(JsonNode schema, JsonNode value) {
    List<String> problems = new ArrayList<>();
    check(schema, value, "$", problems, 0);
    return problems;
  }

  private void check(JsonNode schema, JsonNode value, String at, List<String> problems, int depth) {
    if (depth > MAX_DEPTH) {
      problems.add(at + ": schema nesting deeper than " + MAX_DEPTH + " ($ref loop?)");
      return;
    }
    if (schema.isBoolean()) {
      if (!schema.booleanValue()) {
        problems.add(at + ": no value is allowed here");
      }
      return;
    }
    if (!schema.isObject()) {
      problems.add(at + ": the schema is not an object: " + schema);
      return;
    }
    for (String keyword : unsupportedKeywords(schema)) {
      problems.add(at + ": the schema uses " + keyword + ", which this check does not support");
    }
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      JsonNode target = ref.startsWith("#") ? document.at(ref.substring(1)) : null;
      if (target == null || target.isMissingNode()) {
        problems.add(at + ": $ref " + ref + " points at nothing");
      } else {
        check(target, value, at, problems, depth + 1);
      }
    }
    if (schema.has("type") && !typeMatches(schema.get("type"), value)) {
      problems.add(at + ": expected " + schema.get("type") + ", got " + describe(value));
      return;
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.equals(value);
      }
      if (!listed) {
        problems.add(at + ": " + value + " is not one of " + schema.get("enum"));
      }
    }
    if (value.isTextual()) {
      checkString(schema, value.textValue(), at, problems);
    }
    if (value.isNumber() && schema.has("format")) {
      checkNumberFormat(schema.get("format").asText(), value, at, problems);
    }
    if (value.isArray()) {
      checkArray(schema, value, at, problems, depth);
    }
    if (value.isObject()) {
      checkObject(schema, value, at, problems, depth);
    }
  }

  private static void checkString(JsonNode schema, String text, String at, List<String> problems) {
    if (schema.has("minLength")
        && text.codePointCount(0, text.length()) < schema.get("minLength").asInt()) {
      problems.add(at + ": shorter than " + schema.get("minLength") + " characters");
    }
    if (schema.has("maxLength")
        && text.codePointCount(0, text.length()) > schema.get("maxLength").asInt()) {
      problems.add(at + ": longer than " + schema.get("maxLength") + " characters");
    }
    if (schema.has("pattern")
        && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
      problems.add(at + ": " + quote(text) + " does not match " + schema.get("pattern").asText());
    }
    if (schema.has("format")) {
      String format = schema.get("format").asText();
      switch (format) {
        case "date-time" -> {
          try {
            OffsetDateTime.parse(text);
          } catch (DateTimeParseException e) {
            problems.add(at + ": " + quote(text) + " is not an RFC 3339 date-time");
          }
        }
        case "uuid" -> {
          if (!UUID.matcher(text).matches()) {
            problems.add(at + ": " + quote(text) + " is not a lowercase UUID");
          }
        }
        case "int64" -> problems.add(at + ": format int64 on a string");
        default -> problems.add(at + ": format " + format + " is not supported by this check");
      }
    }
  }

  private static void checkNumberFormat(
      String format, JsonNode value, String at, List<String> problems) {
    if (!format.equals("int64")) {
      problems.add(at + ": format " + format + " on a number is not supported by this check");
      return;
    }
    BigDecimal number = value.decimalValue();
    if (number.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0
        || number.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      problems.add(at + ": " + value + " is outside int64");
    }
  }

  private void checkArray(
      JsonNode schema, JsonNode value, String at, List<String> problems, int depth) {
    if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
      problems.add(at + ": fewer than " + schema.get("minItems") + " items");
    }
    if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
      problems.add(at + ": more than " + schema.get("maxItems") + " items");
    }
    if (schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        check(schema.get("items"), value.get(i), at + "[" + i + "]", problems, depth + 1);
      }
    }
  }

  private void checkObject(
      JsonNode schema, JsonNode value, String at, List<String> problems, int depth) {
    if (schema.has("required")) {
      for (JsonNode name : schema.get("required")) {
        if (!value.has(name.asText())) {
          problems.add(at + ": " + name.asText() + " is required but missing");
        }
      }
    }
    JsonNode properties = schema.path("properties");
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String where = at + "." + field.getKey();
      if (properties.has(field.getKey())) {
        check(properties.get(field.getKey()), field.getValue(), where, problems, depth + 1);
      } else if (schema.has("additionalProperties")) {
        JsonNode additional = schema.get("additionalProperties");
        if (additional.isBoolean() && !additional.booleanValue()) {
          problems.add(where + ": not a documented property");
        } else {
          check(additional, field.getValue(), where, problems, depth + 1);
        }
      }
    }
  }

  private static boolean typeMatches(JsonNode type, JsonNode value) {
    if (type.isArray()) {
      for (JsonNode one : type) {
        if (typeMatches(one, value)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "null" -> value.isNull();
      case "boolean" -> value.isBoolean();
      case "string" -> value.isTextual();
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "number" -> value.isNumber();
      case "integer" ->
          value.isIntegralNumber()
              || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
      default -> false;
    };
  }

  private static String describe(JsonNode value) {
    String kind =
        switch (value.getNodeType()) {
          case NULL -> "null";
          case BOOLEAN -> "boolean";
          case STRING -> "string";
          case OBJECT -> "object";
          case ARRAY -> "array";
          case NUMBER -> "number";
          default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    String text = value.toString();
    return kind + " " + (text.length() > 80 ? text.substring(0, 80) + "..." : text);
  }

  private static String quote(String text) {
    return "\"" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "\"";
  }
}
