package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.TestHttp.Response;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The check {@code ApiReferenceIT} walks the document with: it reports every operation status and
 * every shared response no answer produced, counts a shared response produced through an operation
 * that refers to it, and checks a {@code HEAD} answer for its status and headers and an empty body.
 */
class ApiReferenceTest {
  private static final JsonNode DOCUMENT =
      Recipes.parse(
          """
          {"openapi": "3.1.0", "paths": {
            "/things/{id}": {
              "get": {"operationId": "getThing", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema":
                  {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}}},
                "404": {"description": "none", "content": {"application/json": {"schema":
                  {"$ref": "#/components/schemas/Error"}}}},
                "405": {"$ref": "#/components/responses/MethodNotAllowed"}}},
              "put": {"operationId": "putThing", "responses": {
                "204": {"description": "stored"},
                "405": {"$ref": "#/components/responses/MethodNotAllowed"}}}}},
           "components": {
            "schemas": {"Error": {"type": "object", "required": ["error"]}},
            "responses": {
              "MethodNotAllowed": {"description": "wrong method",
                "headers": {"Allow": {"required": true, "schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "UnknownPath": {"description": "no such path",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Unused": {"description": "documented, never answered"}}}}
          """);

  @Test
  void whatNoAnswerProducedIsReportedSharedResponsesIncluded() {
    ApiReference reference = ApiReference.of(DOCUMENT);
    assertThat(reference.notProduced())
        .containsExactly(
            "#/components/responses/MethodNotAllowed",
            "#/components/responses/UnknownPath",
            "#/components/responses/Unused",
            "getThing 200",
            "getThing 404",
            "getThing 405",
            "putThing 204",
            "putThing 405");

    assertThat(reference.problems("getThing", json(200, "GET", "{\"id\": \"a\"}", Map.of())))
        .isEmpty();
    assertThat(
            reference.problems(
                "getThing", json(405, "DELETE", "{\"error\": {}}", Map.of("Allow", "GET, HEAD"))))
        .isEmpty();
    assertThat(
            reference.sharedProblems("UnknownPath", json(404, "GET", "{\"error\": {}}", Map.of())))
        .isEmpty();

    assertThat(reference.notProduced())
        .containsExactly(
            "#/components/responses/Unused", "getThing 404", "putThing 204", "putThing 405");
  }

  @Test
  void anUndocumentedStatusAMissingRequiredHeaderAndABodyUnlikeItsSchemaAreProblems() {
    ApiReference reference = ApiReference.of(DOCUMENT);

    assertThat(reference.problems("putThing", json(404, "PUT", "{}", Map.of())))
        .singleElement()
        .asString()
        .contains("putThing 404", "the document lists no such status");
    assertThat(reference.problems("getThing", json(405, "POST", "{\"error\": {}}", Map.of())))
        .singleElement()
        .asString()
        .contains("header Allow is missing");
    assertThat(reference.problems("getThing", json(200, "GET", "{}", Map.of())))
        .singleElement()
        .asString()
        .contains("id is required");
    assertThat(reference.sharedProblems("Nothing", json(404, "GET", "{}", Map.of())))
        .singleElement()
        .asString()
        .contains("no such shared response");
  }

  @Test
  void aHeadAnswerHasTheDocumentedStatusAndHeadersAndNoBody() {
    ApiReference reference = ApiReference.of(DOCUMENT);

    assertThat(reference.problems("getThing", json(200, "HEAD", "", Map.of()))).isEmpty();
    assertThat(reference.problems("getThing", json(405, "HEAD", "", Map.of("Allow", "GET"))))
        .isEmpty();
    assertThat(reference.problems("getThing", json(200, "HEAD", "{\"id\": \"a\"}", Map.of())))
        .singleElement()
        .asString()
        .contains("a body in the answer to a HEAD");
  }

  @Test
  void theMethodsAPathAllowsAreItsOperationsWithHeadForGetInAlphabeticalOrder() {
    assertThat(ApiReference.of(DOCUMENT).allowed("putThing")).containsExactly("GET", "HEAD", "PUT");
    assertThat(ApiReference.shipped().allowed("updateJobStatus")).containsExactly("POST");
    assertThat(ApiReference.shipped().allowed("listRecipes"))
        .containsExactly("GET", "HEAD", "POST");
  }

  private static Response json(int status, String method, String body, Map<String, String> more) {
    Map<String, List<String>> headers =
        new java.util.HashMap<>(Map.of("Content-Type", List.of("application/json")));
    more.forEach((name, value) -> headers.put(name, List.of(value)));
    return new Response(
        status,
        HttpHeaders.of(headers, (name, value) -> true),
        body.getBytes(StandardCharsets.UTF_8),
        method,
        URI.create("http://127.0.0.1/things/a"));
  }
}
