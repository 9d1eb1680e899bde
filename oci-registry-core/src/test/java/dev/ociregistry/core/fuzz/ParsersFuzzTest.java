package dev.ociregistry.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.ManifestParser;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.json.JsonException;
import dev.ociregistry.core.model.ManifestDocument;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;

/**
 * The parsers that read what clients send, fuzzed: whatever the bytes, each either returns a value
 * or refuses with its own exception, never another exception, a stack overflow or a hang; what it
 * accepts is well formed. In a normal build these replay the committed inputs under {@code
 * src/test/resources/.../ParsersFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} Jazzer fuzzes one
 * target for as long as it is told (see the reliability design notes).
 */
class ParsersFuzzTest {
  /** How long each target is fuzzed with {@code JAZZER_FUZZ=1}; a normal build only replays. */
  private static final String FUZZ_DURATION = "2m";

  @FuzzTest(maxDuration = FUZZ_DURATION)
  void jsonEitherParsesOrRefusesWithJsonException(byte[] input) {
    Object value;
    try {
      value = Json.parse(input);
    } catch (JsonException refused) {
      return;
    }
    // What parses writes back out as text that reads back to the same text (1.5e1 may come back
    // as the integer 15: equal in value, another type).
    String written = Json.write(value);
    assertThat(Json.write(Json.parse(written))).isEqualTo(written);
  }

  @FuzzTest(maxDuration = FUZZ_DURATION)
  void manifestsEitherParseOrAreRefusedAsManifestInvalid(FuzzedDataProvider data) {
    String contentType =
        data.pickValue(
            new String[] {
              MediaTypes.OCI_MANIFEST,
              MediaTypes.OCI_INDEX,
              MediaTypes.DOCKER_MANIFEST,
              MediaTypes.DOCKER_MANIFEST_LIST,
              "application/json",
              "text/plain",
              ""
            });
    byte[] body = data.consumeRemainingAsBytes();
    ManifestDocument document;
    try {
      document = ManifestParser.parse(body, contentType.isEmpty() ? null : contentType);
    } catch (RegistryException refused) {
      assertThat(refused.code()).isEqualTo(ErrorCode.MANIFEST_INVALID);
      return;
    }
    assertThat(document.mediaType()).isNotBlank();
  }

  @FuzzTest(maxDuration = FUZZ_DURATION)
  void namesTagsAndDigestsEitherParseToThemselvesOrAreRefused(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    if (RepositoryName.isValid(text)) {
      assertThat(RepositoryName.parse(text).value()).isEqualTo(text);
    } else {
      assertRefused(() -> RepositoryName.parse(text));
    }
    if (Tag.isValid(text)) {
      assertThat(Tag.parse(text).value()).isEqualTo(text);
    } else {
      assertRefused(() -> Tag.parse(text));
    }
    if (Digest.isValid(text)) {
      assertThat(Digest.parse(text).toString()).isEqualTo(text);
    } else {
      assertRefused(() -> Digest.parse(text));
    }
    try {
      assertThat(Reference.parse(text).toString()).isEqualTo(text);
    } catch (RegistryException refused) {
      assertThat(refused.code().httpStatus()).isBetween(400, 499);
    }
  }

  private static void assertRefused(Runnable parse) {
    try {
      parse.run();
    } catch (RegistryException refused) {
      assertThat(refused.code().httpStatus()).isBetween(400, 499);
      return;
    }
    throw new AssertionError("accepted what isValid refused");
  }
}
