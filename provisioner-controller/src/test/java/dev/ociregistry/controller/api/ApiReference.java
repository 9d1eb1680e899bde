package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.testkit.TestHttp.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's OpenAPI document as a test walks it: its operations by {@code operationId}, and a check
 * of each answer against what the document says of that operation and status (the status is listed,
 * required headers are there, the body is JSON of the documented schema, or empty where none is
 * documented or the request was a {@code HEAD}). It remembers which operation and status each
 * checked answer was, and which shared response ({@code components.responses}) it was, so a test
 * can fail when the document lists one that no case produced: an operation's status, or a shared
 * response, such as {@code UnknownPath}, that belongs to no operation and is checked by its name.
 */
public final class ApiReference {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)\\}");
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private static final String SHARED = "#/components/responses/";

  private final JsonNode document;
  private final JsonSchemaCheck schemas;
  private final Map<String, Operation> operations = new LinkedHashMap<>();
  private final Set<String> produced = new TreeSet<>();

  /** One operation of the document. */
  public record Operation(String id, String method, String path, JsonNode node) {}

  private ApiReference(JsonNode document) {
    this.document = document;
    this.schemas = new JsonSchemaCheck(document);
    Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
      while (methods.hasNext()) {
        Map.Entry<String, JsonNode> method = methods.next();
        if (!METHODS.contains(method.getKey())) {
          continue;
        }
        String id = method.getValue().path("operationId").asText();
        Operation previous =
            operations.put(
                id,
                new Operation(
                    id,
                    method.getKey().toUpperCase(Locale.ROOT),
                    path.getKey(),
                    method.getValue()));
        if (id.isEmpty() || previous != null) {
          throw new IllegalArgumentException(
              "operationId missing or repeated at " + method.getKey() + " " + path.getKey());
        }
      }
    }
  }

  /** The document as parsed JSON. */
  public static ApiReference of(JsonNode document) {
    return new ApiReference(document);
  }

  /** The document the API ships, read from the class path as the servlet reads it. */
  public static ApiReference shipped() {
    return of(parse(shippedBytes()));
  }

  /** The bytes of the shipped document. */
  public static byte[] shippedBytes() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("no " + OpenApiDocument.RESOURCE + " on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode parse(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode document() {
    return document;
  }

  /** Every operation, in document order. */
  public List<Operation> operations() {
    return List.copyOf(operations.values());
  }

  public Operation operation(String id) {
    Operation operation = operations.get(id);
    if (operation == null) {
      throw new IllegalArgumentException("the document has no operation " + id);
    }
    return operation;
  }

  /** The operation's path with its parameters filled in, in order of appearance. */
  public String path(String id, String... parameters) {
    Matcher matcher = PARAMETER.matcher(operation(id).path());
    StringBuilder path = new StringBuilder();
    int i = 0;
    while (matcher.find()) {
      if (i >= parameters.length) {
        throw new IllegalArgumentException(id + " takes more path parameters");
      }
      matcher.appendReplacement(path, Matcher.quoteReplacement(parameters[i++]));
    }
    matcher.appendTail(path);
    if (i != parameters.length) {
      throw new IllegalArgumentException(id + " takes " + i + " path parameters");
    }
    return path.toString();
  }

  /**
   * The methods the path of operation {@code id} takes, as {@code Allow} lists them: every
   * operation of the path, {@code HEAD} with a {@code GET}, in alphabetical order.
   */
  public List<String> allowed(String id) {
    Set<String> methods = new TreeSet<>();
    document
        .path("paths")
        .path(operation(id).path())
        .fieldNames()
        .forEachRemaining(
            method -> {
              if (METHODS.contains(method)) {
                methods.add(method.toUpperCase(Locale.ROOT));
              }
            });
    if (methods.contains("GET")) {
      methods.add("HEAD");
    }
    return List.copyOf(methods);
  }

  /**
   * Every operation and status the document lists, as {@code "<operationId> <status>"}, and every
   * shared response, as {@code "#/components/responses/<name>"}.
   */
  public Set<String> documented() {
    Set<String> all = new TreeSet<>();
    for (Operation operation : operations.values()) {
      operation
          .node()
          .path("responses")
          .fieldNames()
          .forEachRemaining(status -> all.add(operation.id() + " " + status));
    }
    document
        .path("components")
        .path("responses")
        .fieldNames()
        .forEachRemaining(name -> all.add(SHARED + name));
    return all;
  }

  /** The operations and statuses checked answers were, as {@link #documented()} writes them. */
  public Set<String> produced() {
    return new TreeSet<>(produced);
  }

  /** What the document lists that no checked answer produced. */
  public Set<String> notProduced() {
    Set<String> missing = documented();
    missing.removeAll(produced);
    return missing;
  }

  /**
   * Checks {@code response}, an answer to a request on the path of operation {@code id} (its own
   * method, a {@code HEAD} of its {@code GET}, or a method the path does not take), against the
   * document, and records it as produced.
   *
   * @return what is wrong; empty when it matches
   */
  public List<String> problems(String id, Response response) {
    Operation operation = operation(id);
    String status = String.valueOf(response.status());
    String where = id + " " + status + " (" + response.method() + " " + response.uri() + ")";
    JsonNode listed = operation.node().path("responses").path(status);
    if (listed.isMissingNode()) {
      return List.of(where + ": the document lists no such status; body " + response.text());
    }
    produced.add(id + " " + status);
    if (listed.has("$ref") && listed.get("$ref").asText().startsWith(SHARED)) {
      produced.add(listed.get("$ref").asText());
    }
    return check(where, resolve(listed), response);
  }

  /**
   * Checks {@code response} against the shared response {@code name} of {@code
   * components.responses} (one that belongs to no operation, such as {@code UnknownPath}), and
   * records it as produced.
   *
   * @return what is wrong; empty when it matches
   */
  public List<String> sharedProblems(String name, Response response) {
    String where =
        SHARED
            + name
            + " "
            + response.status()
            + " ("
            + response.method()
            + " "
            + response.uri()
            + ")";
    JsonNode documented = document.at(SHARED.substring(1) + name);
    if (documented.isMissingNode()) {
      return List.of(where + ": the document has no such shared response");
    }
    produced.add(SHARED + name);
    return check(where, documented, response);
  }

  private List<String> check(String where, JsonNode documented, Response response) {
    List<String> problems = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> headers = documented.path("headers").fields();
    while (headers.hasNext()) {
      Map.Entry<String, JsonNode> header = headers.next();
      if (resolve(header.getValue()).path("required").asBoolean(false)
          && response.header(header.getKey()).isEmpty()) {
        problems.add(where + ": header " + header.getKey() + " is missing");
      }
    }
    JsonNode schema = documented.path("content").path("application/json").path("schema");
    if (response.method().equals("HEAD")) {
      if (response.body().length != 0) {
        problems.add(where + ": a body in the answer to a HEAD: " + response.text());
      }
      return problems;
    }
    if (schema.isMissingNode()) {
      if (response.body().length != 0) {
        problems.add(where + ": a body where the document has none: " + response.text());
      }
      return problems;
    }
    Optional<String> type = response.header("Content-Type");
    if (type.isEmpty() || !type.get().startsWith("application/json")) {
      problems.add(where + ": Content-Type " + type.orElse("(none)") + ", not application/json");
      return problems;
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      problems.add(where + ": the body is not JSON: " + response.text());
      return problems;
    }
    for (String problem : schemas.problems(schema, body)) {
      problems.add(where + ": " + problem);
    }
    return problems;
  }

  /**
   * Checks a request body of operation {@code id} against its documented request schema.
   *
   * @return what is wrong; empty when it matches
   */
  public List<String> requestProblems(String id, String body) {
    JsonNode schema =
        resolve(operation(id).node().path("requestBody"))
            .path("content")
            .path("application/json")
            .path("schema");
    if (schema.isMissingNode()) {
      return List.of(id + " documents no request body");
    }
    List<String> problems = new ArrayList<>();
    for (String problem :
        schemas.problems(schema, parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
      problems.add(id + " request: " + problem);
    }
    return problems;
  }

  /**
   * What is wrong with the document itself: a {@code $ref} that points at nothing, or a schema
   * keyword {@link JsonSchemaCheck} does not support, anywhere in it.
   */
  public List<String> documentProblems() {
    List<String> problems = new ArrayList<>();
    walk(document, "#", false, problems);
    return problems;
  }

  private void walk(JsonNode node, String at, boolean inSchema, List<String> problems) {
    if (node.isObject()) {
      if (node.has("$ref")) {
        String ref = node.get("$ref").asText();
        if (!ref.startsWith("#/") || document.at(ref.substring(1)).isMissingNode()) {
          problems.add(at + ": $ref " + ref + " points at nothing");
        }
      }
      if (inSchema) {
        JsonSchemaCheck.unsupportedKeywords(node)
            .forEach(keyword -> problems.add(at + ": " + keyword + " is not supported"));
      }
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String key = field.getKey();
        boolean childIsSchema =
            key.equals("schema")
                || (inSchema && (key.equals("items") || key.equals("additionalProperties")))
                || at.equals("#/components/schemas");
        boolean childIsSchemaMap = inSchema && key.equals("properties");
        if (childIsSchemaMap) {
          Iterator<Map.Entry<String, JsonNode>> properties = field.getValue().fields();
          while (properties.hasNext()) {
            Map.Entry<String, JsonNode> property = properties.next();
            walk(property.getValue(), at + "/properties/" + property.getKey(), true, problems);
          }
        } else {
          walk(field.getValue(), at + "/" + key, childIsSchema, problems);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), at + "/" + i, false, problems);
      }
    }
  }

  /** A response, header or request body, following a {@code $ref} into the components. */
  private JsonNode resolve(JsonNode node) {
    JsonNode current = node;
    for (int i = 0; i < 8 && current.has("$ref"); i++) {
      current = document.at(current.get("$ref").asText().substring(1));
    }
    return current;
  }
}
