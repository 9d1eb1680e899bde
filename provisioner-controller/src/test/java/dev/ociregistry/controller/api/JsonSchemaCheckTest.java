package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema check the API's reference is tested with catches what each keyword forbids. */
class JsonSchemaCheckTest {
  private static final JsonNode DOCUMENT =
      Recipes.parse(
          """
          {"components": {"schemas": {
            "Job": {"type": "object", "required": ["id", "state"], "additionalProperties": false,
              "properties": {
                "id": {"type": "string", "format": "uuid"},
                "state": {"type": "string", "enum": ["queued", "running"]},
                "message": {"type": ["string", "null"], "maxLength": 5},
                "size": {"type": "integer", "format": "int64"},
                "at": {"type": "string", "format": "date-time"},
                "name": {"type": "string", "pattern": "^[a-z]+$", "minLength": 2},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 2},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "child": {"$ref": "#/components/schemas/Job"}}}}}}
          """);
  private static final JsonNode JOB = DOCUMENT.at("/components/schemas/Job");
  private static final String ID = "\"id\": \"0dd92b98-6729-4654-8875-786e50f75366\"";

  private final JsonSchemaCheck check = new JsonSchemaCheck(DOCUMENT);

  @Test
  void aConformingValueHasNoProblems() {
    assertThat(
            problems(
                "{"
                    + ID
                    + ", \"state\": \"queued\", \"message\": null, \"size\": 9007199254740993,"
                    + " \"at\": \"2025-10-06T12:00:00.123Z\", \"name\": \"ab\", \"tags\": [\"x\"],"
                    + " \"labels\": {\"a\": \"b\"}, \"child\": {"
                    + ID
                    + ", \"state\": \"running\"}}"))
        .isEmpty();
  }

  @Test
  void eachKeywordNamesWhereTheValueBreaksIt() {
    assertThat(problems("{\"state\": \"queued\"}"))
        .containsExactly("$: id is required but missing");
    assertThat(problems("{" + ID + ", \"state\": \"done\"}"))
        .containsExactly("$.state: \"done\" is not one of [\"queued\",\"running\"]");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"extra\": 1}"))
        .containsExactly("$.extra: not a documented property");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"message\": 3}"))
        .containsExactly("$.message: expected [\"string\",\"null\"], got number 3");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"message\": \"toolong\"}"))
        .containsExactly("$.message: longer than 5 characters");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"size\": 1.5}"))
        .containsExactly("$.size: expected \"integer\", got number 1.5");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"size\": 1e30}"))
        .containsExactly("$.size: 1.0E30 is outside int64");
    assertThat(
            problems("{\"id\": \"0DD92B98-6729-4654-8875-786E50F75366\", \"state\": \"queued\"}"))
        .containsExactly("$.id: \"0DD92B98-6729-4654-8875-786E50F75366\" is not a lowercase UUID");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"at\": \"yesterday\"}"))
        .containsExactly("$.at: \"yesterday\" is not an RFC 3339 date-time");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"name\": \"a\"}"))
        .containsExactly("$.name: shorter than 2 characters");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"name\": \"A1\"}"))
        .containsExactly("$.name: \"A1\" does not match ^[a-z]+$");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"tags\": []}"))
        .containsExactly("$.tags: fewer than 1 items");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"tags\": [\"a\", 2, \"c\"]}"))
        .containsExactly(
            "$.tags: more than 2 items", "$.tags[1]: expected \"string\", got number 2");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"labels\": {\"a\": 1}}"))
        .containsExactly("$.labels.a: expected \"string\", got number 1");
    assertThat(problems("{" + ID + ", \"state\": \"queued\", \"child\": {\"state\": \"x\"}}"))
        .containsExactly(
            "$.child: id is required but missing",
            "$.child.state: \"x\" is not one of [\"queued\",\"running\"]");
    assertThat(problems("[]")).containsExactly("$: expected \"object\", got array []");
  }

  @Test
  void aKeywordTheCheckDoesNotApplyIsItselfAProblem() {
    JsonNode schema =
        Recipes.parse("{\"type\": \"string\", \"const\": \"a\", \"description\": \"x\"}");

    assertThat(check.problems(schema, Recipes.parse("{\"v\": \"a\"}").get("v")))
        .containsExactly("$: the schema uses const, which this check does not support");
    assertThat(JsonSchemaCheck.unsupportedKeywords(schema)).containsExactly("const");
  }

  @Test
  void aRefToNothingIsAProblem() {
    JsonNode schema = Recipes.parse("{\"$ref\": \"#/components/schemas/Nothing\"}");

    assertThat(check.problems(schema, Recipes.parse("{}")))
        .containsExactly("$: $ref #/components/schemas/Nothing points at nothing");
  }

  private List<String> problems(String json) {
    try {
      return check.problems(JOB, Api.JSON.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
