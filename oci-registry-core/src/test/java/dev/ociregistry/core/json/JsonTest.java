package dev.ociregistry.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict JSON reader and writer: RFC 8259 and nothing more. */
class JsonTest {

  // ---- round trips and value types ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "[]",
        "true",
        "false",
        "null",
        "0",
        "-1",
        "42",
        "999999999999999999",
        "1.5",
        "-0.25",
        "1E+5",
        "1.5E-7",
        "123456789012345678901234567890",
        "\"\"",
        "\"text\"",
        "\"caf\u00e9 \ud83d\ude00\"",
        "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}",
        "[1,\"two\",3.5,{\"x\":[]},[[]],null]",
        "{\"z\":1,\"a\":2,\"m\":3}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"
      })
  void compactDocumentsRoundTripExactly(String text) {
    Object value = Json.parse(text);

    assertThat(Json.write(value)).isEqualTo(text);
    assertThat(Json.parse(Json.write(value))).isEqualTo(value);
  }

  @Test
  void parsesEveryValueTypeToTheDocumentedJavaType() {
    Object value =
        Json.parse(
            "{\"o\":{},\"a\":[],\"s\":\"x\",\"i\":7,\"d\":1.25,\"t\":true,\"f\":false,\"n\":null}");

    assertThat(value).isInstanceOf(Map.class);
    Map<?, ?> map = (Map<?, ?>) value;
    assertThat(map.get("o")).isInstanceOf(Map.class);
    assertThat(map.get("a")).isInstanceOf(List.class);
    assertThat(map.get("s")).isEqualTo("x");
    assertThat(map.get("i")).isEqualTo(7L);
    assertThat(map.get("d")).isEqualTo(new BigDecimal("1.25"));
    assertThat(map.get("t")).isEqualTo(Boolean.TRUE);
    assertThat(map.get("f")).isEqualTo(Boolean.FALSE);
    assertThat(map.get("n")).isSameAs(Json.NULL);
  }

  @Test
  void keepsKeysInDocumentOrder() {
    Map<?, ?> map = (Map<?, ?>) Json.parse("{\"c\":1,\"a\":2,\"b\":3}");

    List<Object> keys = new ArrayList<>(map.keySet());

    assertThat(keys).containsExactly("c", "a", "b");
  }

  @Test
  void parsedContainersAreUnmodifiable() {
    Map<?, ?> map = (Map<?, ?>) Json.parse("{\"a\":[1]}");
    @SuppressWarnings("unchecked")
    Map<String, Object> writable = (Map<String, Object>) map;
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) map.get("a");

    assertThatThrownBy(() -> writable.put("b", 1L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> list.add(2L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void acceptsTheFourWhitespaceCharactersEverywhere() {
    Object value = Json.parse(" \t\n\r{ \t\n\r\"a\" \t\n\r: \t\n\r[ 1 , 2 ] , \"b\" : { } } \r\n");

    assertThat(Json.write(value)).isEqualTo("{\"a\":[1,2],\"b\":{}}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\f{}", "{}\f", "\u000b{}", "\u00a0{}", "{}\u2028"})
  void rejectsOtherWhitespace(String text) {
    assertRejected(text);
  }

  // ---- numbers ----

  @Test
  void integersThatFitInEighteenDigitsAreLongs() {
    assertThat(Json.parse("999999999999999999")).isEqualTo(999_999_999_999_999_999L);
    assertThat(Json.parse("-99999999999999999")).isEqualTo(-99_999_999_999_999_999L);
    assertThat(Json.parse("0")).isEqualTo(0L);
    assertThat(Json.parse("-0")).isEqualTo(0L);
  }

  @Test
  void integersThatFitInALongAreLongs() {
    // The Javadoc of Json promises Long for "integers that fit".
    assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(Json.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void largeIntegersBecomeBigDecimal() {
    assertThat(Json.parse("9223372036854775808")).isEqualTo(new BigDecimal("9223372036854775808"));
    assertThat(Json.parse("-9223372036854775809"))
        .isEqualTo(new BigDecimal("-9223372036854775809"));
    assertThat(Json.parse("123456789012345678901234567890"))
        .isEqualTo(new BigDecimal("123456789012345678901234567890"));
  }

  @Test
  void fractionsAndExponentsBecomeBigDecimal() {
    assertThat(Json.parse("1.0")).isEqualTo(new BigDecimal("1.0"));
    assertThat(Json.parse("-0.5")).isEqualTo(new BigDecimal("-0.5"));
    assertThat(Json.parse("1e3")).isEqualTo(new BigDecimal("1e3"));
    assertThat(Json.parse("1E-3")).isEqualTo(new BigDecimal("1E-3"));
    assertThat(Json.parse("2e+10")).isEqualTo(new BigDecimal("2e+10"));
    assertThat(Json.parse("0e0")).isEqualTo(new BigDecimal("0e0"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01",
        "-01",
        "00",
        "[01]",
        "{\"a\":01}",
        "+1",
        ".5",
        "-.5",
        "1.",
        "1.e5",
        "-",
        "1e",
        "1e+",
        "1E-",
        "0x10",
        "NaN",
        "-NaN",
        "Infinity",
        "-Infinity",
        "[NaN]",
        "1_000",
        "--1",
        "1..2"
      })
  void rejectsInvalidNumbers(String text) {
    assertRejected(text);
  }

  // ---- strings ----

  @Test
  void decodesEscapes() {
    assertThat(Json.parse("\"\\u00e9\"")).isEqualTo("\u00e9");
    assertThat(Json.parse("\"\\u00E9\"")).isEqualTo("\u00e9");
    assertThat(Json.parse("\"a\\nb\"")).isEqualTo("a\nb");
    assertThat(Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"")).isEqualTo("\"\\/\b\f\n\r\t");
    assertThat(Json.parse("\"\\u0000\"")).isEqualTo("\u0000");
    assertThat(Json.parse("\"\\u001f\"")).isEqualTo("\u001f");
  }

  @Test
  void decodesSurrogatePairWrittenAsTwoEscapes() {
    String value = (String) Json.parse("\"\\ud83d\\ude00\"");

    assertThat(value).isEqualTo("\ud83d\ude00");
    assertThat(value.codePointAt(0)).isEqualTo(0x1F600);
  }

  @Test
  void acceptsDeleteAndNonAsciiCharactersRaw() {
    assertThat(Json.parse("\"\u007f\u00e9\u4e2d\ud83d\ude00\""))
        .isEqualTo("\u007f\u00e9\u4e2d\ud83d\ude00");
  }

  @Test
  void rejectsEveryRawControlCharacterInStrings() {
    for (char c = 0; c < 0x20; c++) {
      assertRejected("\"a" + c + "b\"");
      assertRejected("{\"k" + c + "\":1}");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"\\x41\"",
        "\"\\a\"",
        "\"\\'\"",
        "\"\\U0041\"",
        "\"\\0\"",
        "\"\\ \"",
        "\"\\\"",
        "\"\\"
      })
  void rejectsInvalidEscapes(String text) {
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"\\u\"",
        "\"\\u1\"",
        "\"\\u12\"",
        "\"\\u123\"",
        "\"\\u",
        "\"\\u12",
        "\"\\u00g9\"",
        "\"\\u-123\"",
        "\"\\u+123\"",
        "\"\\u 123\""
      })
  void rejectsTruncatedOrMalformedUnicodeEscapes(String text) {
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"\\u\u0660\u0660\u0664\u0661\"",
        "\"\\u00\uff21\uff21\"",
        "\"\\u\uff10\uff10\uff14\uff11\""
      })
  void rejectsNonAsciiDigitsInUnicodeEscapes(String text) {
    // RFC 8259: the four characters after \\u are HEXDIG, i.e. ASCII 0-9 and A-F (either case).
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"'a'", "{'a':1}", "{\"a\":'b'}", "\"abc", "\"abc\\\""})
  void rejectsSingleQuotesAndUnterminatedStrings(String text) {
    assertRejected(text);
  }

  // ---- structure ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":1,\"a\":2}",
        "{\"a\":1,\"b\":2,\"a\":1}",
        "{\"x\":{\"a\":null,\"a\":null}}",
        "[{\"a\":[],\"a\":{}}]",
        "{\"\\u0061\":1,\"a\":2}"
      })
  void rejectsDuplicateKeys(String text) {
    assertRejected(text);
  }

  @Test
  void sameKeyInDifferentObjectsIsFine() {
    assertThat(Json.write(Json.parse("{\"a\":{\"a\":1},\"b\":{\"a\":2}}")))
        .isEqualTo("{\"a\":{\"a\":1},\"b\":{\"a\":2}}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[1,]",
        "[1,,2]",
        "[,1]",
        "[,]",
        "{\"a\":1,}",
        "{,}",
        "{,\"a\":1}",
        "{\"a\":1,,\"b\":2}"
      })
  void rejectsStrayCommas(String text) {
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "// comment\n{}",
        "{} // comment",
        "/* c */{}",
        "{/* c */}",
        "{\"a\":1 /* c */}",
        "[1, # c\n 2]",
        "# c\n{}"
      })
  void rejectsComments(String text) {
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{a:1}", "{a_b:1}", "{1:1}", "{true:1}", "{null:1}", "{[]:1}"})
  void rejectsUnquotedOrNonStringKeys(String text) {
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}{}",
        "{} {}",
        "1 2",
        "[]]",
        "{}}",
        "{}x",
        "\"a\" \"b\"",
        "truex",
        "null,",
        "[] ,",
        "1\u0000"
      })
  void rejectsContentAfterTheValue(String text) {
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "\n",
        "{",
        "[",
        "[1",
        "[1,",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "{\"a\" 1}",
        "{\"a\"=1}",
        "{\"a\"::1}",
        "[1 2]",
        "[true false]",
        "{\"a\":1 \"b\":2}",
        "tru",
        "nul",
        "fals",
        "True",
        "NULL",
        "undefined",
        "]",
        "}",
        ":",
        ","
      })
  void rejectsMalformedStructure(String text) {
    assertRejected(text);
  }

  // ---- depth ----

  @Test
  void acceptsArraysNestedExactlyMaxDepth() {
    String text = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);

    assertThat(Json.write(Json.parse(text))).isEqualTo(text);
  }

  @Test
  void rejectsArraysNestedDeeperThanMaxDepth() {
    assertRejected("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1));
  }

  @Test
  void acceptsObjectsNestedExactlyMaxDepth() {
    String text = "{\"a\":".repeat(Json.MAX_DEPTH - 1) + "{}" + "}".repeat(Json.MAX_DEPTH - 1);

    assertThat(Json.write(Json.parse(text))).isEqualTo(text);
  }

  @Test
  void rejectsObjectsNestedDeeperThanMaxDepth() {
    assertRejected("{\"a\":".repeat(Json.MAX_DEPTH) + "{}" + "}".repeat(Json.MAX_DEPTH));
  }

  @Test
  void countsMixedArraysAndObjectsTowardsTheSameDepth() {
    int pairs = Json.MAX_DEPTH / 2;
    String ok = "[{\"a\":".repeat(pairs) + "1" + "}]".repeat(pairs);
    String tooDeep = "[{\"a\":".repeat(pairs) + "[1]" + "}]".repeat(pairs);

    assertThat(Json.write(Json.parse(ok))).isEqualTo(ok);
    assertRejected(tooDeep);
  }

  @Test
  void scalarsInsideTheDeepestContainerDoNotCountAsDepth() {
    String text =
        "[".repeat(Json.MAX_DEPTH - 1) + "[1,\"s\",true,null]" + "]".repeat(Json.MAX_DEPTH - 1);

    assertThat(Json.write(Json.parse(text))).isEqualTo(text);
  }

  @Test
  void rejectsHugeNestingWithoutOverflowingTheStack() {
    assertRejected("[".repeat(1_000_000));
    assertRejected("{\"a\":".repeat(200_000));
  }

  // ---- bytes and UTF-8 ----

  @Test
  void parsesUtf8Bytes() {
    byte[] bytes = "{\"k\":\"caf\u00e9 \u4e2d \ud83d\ude00\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(Json.parse(bytes)).isEqualTo(Map.of("k", "caf\u00e9 \u4e2d \ud83d\ude00"));
  }

  @Test
  void rejectsInvalidUtf8Bytes() {
    List<byte[]> invalid =
        List.of(
            bytes('"', 0xff, '"'),
            bytes('"', 0xfe, '"'),
            bytes('"', 0x80, '"'),
            bytes('"', 0xc3, '"'),
            bytes('"', 0xc0, 0xaf, '"'),
            bytes('"', 0xe0, 0x80, 0xaf, '"'),
            bytes('"', 0xe2, 0x82, '"'),
            bytes('"', 0xed, 0xa0, 0x80, '"'),
            bytes('"', 0xf4, 0x90, 0x80, 0x80, '"'),
            bytes('"', 0xf8, 0x88, 0x80, 0x80, 0x80, '"'),
            bytes('{', '"', 'a', '"', ':', 0xc3, '}'),
            bytes('[', '1', ']', 0xff));
    for (byte[] input : invalid) {
      assertThatThrownBy(() -> Json.parse(input))
          .as("parse(%s)", Arrays.toString(input))
          .isInstanceOf(JsonException.class);
    }
  }

  @Test
  void parseObjectRejectsOtherTopLevelValues() {
    for (String text : List.of("[]", "1", "\"a\"", "null", "true")) {
      assertThatThrownBy(() -> Json.parseObject(utf8(text))).isInstanceOf(JsonException.class);
    }
  }

  // ---- writer ----

  @Test
  void writerEscapesQuotesBackslashesAndControlCharacters() {
    StringBuilder all = new StringBuilder("\"\\/");
    for (char c = 0; c < 0x20; c++) {
      all.append(c);
    }
    all.append('\u007f').append('\u2028').append("\u00e9\ud83d\ude00");
    String value = all.toString();

    String written = Json.write(value);

    assertThat(written.chars().filter(c -> c < 0x20)).isEmpty();
    assertThat(written).startsWith("\"\\\"\\\\");
    assertThat(Json.parse(written)).isEqualTo(value);
    assertThat(Json.parse(Json.writeBytes(value))).isEqualTo(value);
  }

  @Test
  void writerEscapesKeysToo() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("a\"b", "1");
    map.put("c\\d\n", "2");
    map.put("\u0001", "3");

    String written = Json.write(map);

    assertThat(Json.parse(written)).isEqualTo(map);
    assertThat(written.chars().filter(c -> c < 0x20)).isEmpty();
  }

  @Test
  void writerUsesShortEscapesForCommonControlCharacters() {
    assertThat(Json.write("\n\r\t\"\\")).isEqualTo("\"\\n\\r\\t\\\"\\\\\"");
    assertThat(Json.parse(Json.write("\u0000\b\f"))).isEqualTo("\u0000\b\f");
  }

  @Test
  void writerWritesEveryCharOfTheBasicPlaneBackToItself() {
    StringBuilder text = new StringBuilder();
    for (char c = 0; c < 0xd800; c++) {
      text.append(c);
    }
    for (char c = 0xe000; c != 0; c++) {
      text.append(c);
    }
    String value = text.toString();

    assertThat(Json.parse(Json.write(value))).isEqualTo(value);
    assertThat(Json.parse(Json.writeBytes(value))).isEqualTo(value);
  }

  @Test
  void writerWritesNullsBooleansAndNumbers() {
    List<Object> list = new ArrayList<>();
    list.add(null);
    list.add(Json.NULL);
    list.add(true);
    list.add(7);
    list.add(-8L);
    list.add(new BigDecimal("2.50"));

    assertThat(Json.write(list)).isEqualTo("[null,null,true,7,-8,2.50]");
  }

  @Test
  void writerRejectsValuesThatAreNotJson() {
    assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.write(List.of(new StringBuilder("x"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writeBytesIsUtf8() {
    assertThat(Json.writeBytes("\u00e9"))
        .isEqualTo(new byte[] {'"', (byte) 0xc3, (byte) 0xa9, '"'});
  }

  // ---- JsonObject ----

  private static final String MANIFEST =
      "{\"schemaVersion\":2,"
          + "\"config\":{\"mediaType\":\"c\",\"digest\":7,\"size\":1},"
          + "\"layers\":["
          + "{\"mediaType\":\"l\",\"size\":1},"
          + "{\"mediaType\":\"l\",\"size\":\"12\",\"annotations\":{\"k\":1}},"
          + "{\"size\":1.5,\"n\":null,\"big\":12345678901234567890123}"
          + "],"
          + "\"manifests\":[{\"platform\":{\"os\":5}}],"
          + "\"mixed\":[{},3],"
          + "\"annotations\":{\"a\":\"b\",\"c\":[]},"
          + "\"labels\":{\"x\":\"y\"},"
          + "\"notAnArray\":{},"
          + "\"nothing\":null}";

  @Test
  void typedGettersReturnValues() {
    JsonObject root = Json.parseObject(utf8(MANIFEST));

    assertThat(root.path()).isEmpty();
    assertThat(root.integer("schemaVersion")).isEqualTo(2L);
    assertThat(root.object("config").string("mediaType")).isEqualTo("c");
    assertThat(root.object("config").path()).isEqualTo("config");
    assertThat(root.objects("layers")).hasSize(3);
    assertThat(root.objects("layers").get(1).path()).isEqualTo("layers[1]");
    assertThat(root.objects("absent")).isEmpty();
    assertThat(root.stringMap("labels")).containsExactly(Map.entry("x", "y"));
    assertThat(root.stringMap("absent")).isEmpty();
    assertThat(root.optString("absent")).isEmpty();
    assertThat(root.optObject("absent")).isEmpty();
    assertThat(root.asMap()).containsKey("schemaVersion");
  }

  @Test
  void nullFieldsCountAsAbsent() {
    JsonObject root = Json.parseObject(utf8(MANIFEST));

    assertThat(root.has("nothing")).isFalse();
    assertThat(root.has("absent")).isFalse();
    assertThat(root.has("labels")).isTrue();
    assertThat(root.optString("nothing")).isEmpty();
    assertThat(root.optObject("nothing")).isEmpty();
    assertThat(root.objects("nothing")).isEmpty();
    assertThatThrownBy(() -> root.string("nothing"))
        .isInstanceOf(JsonException.class)
        .hasMessageContaining("nothing")
        .hasMessageContaining("required");
  }

  @Test
  void wrongTypeMessagesNameTheFullPath() {
    JsonObject root = Json.parseObject(utf8(MANIFEST));
    List<JsonObject> layers = root.objects("layers");

    assertPathError(() -> layers.get(1).integer("size"), "layers[1].size", "integer");
    assertPathError(() -> layers.get(2).integer("size"), "layers[2].size", "integer");
    assertPathError(() -> layers.get(2).integer("big"), "layers[2].big", "integer");
    assertPathError(() -> root.object("config").string("digest"), "config.digest", "string");
    assertPathError(
        () -> layers.get(1).stringMap("annotations"), "layers[1].annotations.k", "string");
    assertPathError(() -> root.stringMap("annotations"), "annotations.c", "string");
    assertPathError(() -> root.objects("mixed"), "mixed[1]", "object");
    assertPathError(
        () -> root.objects("manifests").get(0).object("platform").string("os"),
        "manifests[0].platform.os",
        "string");
    assertPathError(() -> root.objects("notAnArray"), "notAnArray", "array");
    assertPathError(() -> root.object("schemaVersion"), "schemaVersion", "object");
    assertPathError(
        () -> root.optObject("labels").orElseThrow().integer("x"), "labels.x", "integer");
    assertPathError(() -> root.string("schemaVersion"), "schemaVersion", "string");
  }

  @Test
  void missingFieldMessagesNameTheFullPath() {
    JsonObject root = Json.parseObject(utf8(MANIFEST));
    List<JsonObject> layers = root.objects("layers");

    assertPathError(() -> layers.get(0).string("digest"), "layers[0].digest", "required");
    assertPathError(() -> layers.get(2).string("mediaType"), "layers[2].mediaType", "required");
    assertPathError(() -> layers.get(2).integer("n"), "layers[2].n", "required");
    assertPathError(() -> root.object("subject"), "subject", "required");
    assertPathError(() -> root.object("config").integer("absent"), "config.absent", "required");
  }

  private static void assertPathError(ThrowingCallable call, String path, String what) {
    assertThatThrownBy(call)
        .isInstanceOf(JsonException.class)
        .hasMessageStartingWith(path + " ")
        .hasMessageContaining(what);
  }

  private static void assertRejected(String text) {
    assertThatThrownBy(() -> Json.parse(text))
        .as("parse(%s)", text)
        .isInstanceOf(JsonException.class);
    assertThatThrownBy(() -> Json.parse(utf8(text)))
        .as("parse(bytes of %s)", text)
        .isInstanceOf(JsonException.class);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(int... values) {
    byte[] result = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = (byte) values[i];
    }
    return result;
  }

  @Test
  void numbersAreLimitedByTheirDigitsAndTheirExponentsDigits() {
    String hundred = "1" + "0".repeat(99);

    assertThat(Json.parse("1" + "0".repeat(98) + ".5e-3")).isInstanceOf(BigDecimal.class);
    assertThat(Json.parse("-" + hundred)).isEqualTo(new BigDecimal("-" + hundred));
    assertThat(Json.parse("1e1234567890")).isInstanceOf(BigDecimal.class);
    assertThatThrownBy(() -> Json.parse(hundred + "1"))
        .isInstanceOf(JsonException.class)
        .hasMessageContaining("number too long");
    assertThatThrownBy(() -> Json.parse("1.5e12345678901"))
        .isInstanceOf(JsonException.class)
        .hasMessageContaining("number too long");
  }

  @Test
  void aDecimalWhosePlainFormWouldBeTooLongIsWrittenWithItsExponent() {
    // 99 digits and a scale of 104: written plainly, 0.00000999... needs 104 digits, past what the
    // reader takes.
    BigDecimal value = new BigDecimal("0.00000" + "9".repeat(99));

    String written = Json.write(value);

    assertThat(Json.parse(written)).isEqualTo(value);
    assertThat(Json.write(new BigDecimal("1.5E-7"))).isEqualTo("1.5E-7");
    assertThat(Json.write(new BigDecimal("0.25"))).isEqualTo("0.25");
  }
}
