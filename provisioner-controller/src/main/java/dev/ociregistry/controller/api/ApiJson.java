package dev.ociregistry.controller.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.servlet.internal.RequestBodies;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * JSON for the API: one strict mapper (duplicate keys and trailing content are errors, numbers keep
 * their exact value) and the helpers that read request bodies and pick typed fields out of them,
 * naming the field in every error.
 */
final class ApiJson {
  /** The largest request body read; a recipe with a long {@code unattend_xml} fits easily. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  /** The deepest nesting of a body (a {@code cloud_init} document), as in core's JSON reader. */
  static final int MAX_DEPTH = Json.MAX_DEPTH;

  static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private ApiJson() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * Reads the body of {@code request}, which must be one JSON object.
   *
   * @throws ApiException as {@link #readObject(InputStream, long)}
   */
  static ObjectNode body(HttpServletRequest request) {
    InputStream in;
    try {
      in = request.getInputStream();
    } catch (IOException e) {
      throw ApiException.badRequest(null, "the body could not be read: " + e.getMessage());
    }
    return readObject(in, request.getContentLengthLong());
  }

  /**
   * Reads a request body that must be one JSON object.
   *
   * @throws ApiException 413 beyond {@link #MAX_BODY_BYTES}, 400 when it is not a JSON object or
   *     cannot be read (a client that went away)
   */
  static ObjectNode readObject(InputStream body, long declaredLength) {
    byte[] bytes;
    try {
      bytes =
          RequestBodies.readAtMost(body, declaredLength, MAX_BODY_BYTES)
              .orElseThrow(ApiJson::tooLarge);
    } catch (IOException e) {
      throw ApiException.badRequest(null, "the body could not be read: " + e.getMessage());
    }
    return parseObject(bytes);
  }

  /**
   * Parses bytes that must be one JSON object.
   *
   * @throws ApiException 400 when they are not
   */
  static ObjectNode parseObject(byte[] bytes) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      throw ApiException.badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest(null, "the body is not valid JSON");
    } catch (NumberFormatException e) {
      // Jackson reports a number no BigDecimal can hold (an exponent past a billion) unchecked.
      throw ApiException.badRequest(null, "the body holds a number out of range");
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest(null, "the body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /**
   * Rejects every field of {@code object} outside {@code known}.
   *
   * @param prefix prepended to field names in the error, e.g. {@code partitions[0].}
   */
  static void rejectUnknownFields(ObjectNode object, Set<String> known, String prefix) {
    Set<String> unknown = new TreeSet<>();
    Iterator<String> names = object.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      List<String> named = new ArrayList<>();
      for (String name : unknown) {
        named.add(prefix + name);
      }
      throw ApiException.badRequest(
          named.get(0),
          (named.size() == 1 ? "unknown field " : "unknown fields ")
              + String.join(", ", named)
              + "; known fields are "
              + String.join(", ", new TreeSet<>(known)));
    }
  }

  /** A string field that must be present and not blank. */
  static String requiredString(ObjectNode object, String name, String field, int maxLength) {
    return optionalString(object, name, field, maxLength)
        .orElseThrow(() -> ApiException.badRequest(field, field + " is required"));
  }

  /** A string field that may be absent or null, and is otherwise a non-blank string. */
  static Optional<String> optionalString(
      ObjectNode object, String name, String field, int maxLength) {
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw ApiException.badRequest(field, field + " must be a string");
    }
    String value = node.textValue();
    if (value.isBlank()) {
      throw ApiException.badRequest(field, field + " must not be empty");
    }
    if (value.length() > maxLength) {
      throw ApiException.badRequest(field, field + " is longer than " + maxLength + " characters");
    }
    return Optional.of(value);
  }

  /** Rejects control characters, which have no place in names, paths and devices. */
  static String singleLine(String value, String field) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw ApiException.badRequest(field, field + " must not contain control characters");
      }
    }
    return value;
  }

  static ApiException tooLarge() {
    return ApiException.tooLarge("the body is larger than " + MAX_BODY_BYTES + " bytes");
  }
}
