package dev.ociregistry.servlet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ociregistry.testkit.TestHttp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the servlet's tests check of a response beyond its status, exactly as the servlet writes it:
 * the spec's error body, the header names it sends, the {@code Link} of a listing.
 */
public final class Responses {
  private static final Pattern NEXT_LINK = Pattern.compile("<[^>]+>; rel=\"next\"");

  private Responses() {}

  /**
   * The one entry of a spec error body, after checking the body's shape: {@code {"errors":[...]}}
   * with exactly one entry that has a {@code code} and a {@code message}, and no other fields than
   * {@code code}, {@code message} and {@code detail}.
   */
  public static JsonNode error(TestHttp.Response response) {
    assertThat(response.header("Content-Type"))
        .as(describe(response))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode body = response.json();
    assertThat(fieldNames(body)).as(describe(response)).containsExactly("errors");
    JsonNode errors = body.get("errors");
    assertThat(errors.isArray()).isTrue();
    assertThat(errors.size()).as(describe(response)).isEqualTo(1);
    JsonNode entry = errors.get(0);
    assertThat(fieldNames(entry)).contains("code", "message");
    assertThat(fieldNames(entry)).isSubsetOf("code", "message", "detail");
    assertThat(entry.get("code").isTextual()).isTrue();
    return entry;
  }

  /** The {@code code} of the one error entry in the body, after {@link #error} checked it. */
  public static String errorCode(TestHttp.Response response) {
    return error(response).get("code").asText();
  }

  public static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  /**
   * The names of the response's headers, lower case, without {@code date} and {@code server}, which
   * the container adds on its own.
   */
  public static Set<String> headerNames(TestHttp.Response response) {
    Set<String> names = new TreeSet<>();
    for (String name : response.headers().map().keySet()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!lower.equals("date") && !lower.equals("server") && !lower.equals(":status")) {
        names.add(lower);
      }
    }
    return names;
  }

  /** The headers of a response, lower-cased names, without {@code date}. */
  public static Map<String, List<String>> headersWithoutDate(TestHttp.Response response) {
    Map<String, List<String>> headers = new TreeMap<>();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (!lower.equals("date") && !lower.equals(":status")) {
                headers.put(lower, values);
              }
            });
    return headers;
  }

  /**
   * The target of a listing's {@code Link: <...>; rel="next"} header, after checking that the
   * header, when there is one, is exactly that; null when there is none.
   */
  public static String nextLink(TestHttp.Response response) {
    response
        .header("Link")
        .ifPresent(link -> assertThat(link).as(describe(response)).matches(NEXT_LINK));
    return response.nextLink().orElse(null);
  }

  /** The request and its response, for assertion messages. */
  public static String describe(TestHttp.Response response) {
    return response.method() + " " + response.uri() + " -> " + response;
  }
}
