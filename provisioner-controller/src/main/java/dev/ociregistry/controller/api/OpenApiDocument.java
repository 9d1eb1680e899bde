package dev.ociregistry.controller.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API's reference: the OpenAPI 3.1 document {@code openapi.json} kept beside this class (in
 * {@code src/main/resources}), served byte for byte at {@code GET /api/v1/openapi.json}. It is read
 * once, when the API is built, and checked to be one JSON object, so a jar without it does not
 * start.
 */
final class OpenApiDocument {
  static final String RESOURCE = "openapi.json";

  private final byte[] bytes;

  private OpenApiDocument(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Reads the document from the class path.
   *
   * @throws IllegalStateException when it is missing or not a JSON object (a broken build)
   */
  static OpenApiDocument load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE + " is missing beside " + OpenApiDocument.class.getName());
      }
      byte[] bytes = in.readAllBytes();
      ApiJson.parseObject(bytes);
      return new OpenApiDocument(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE + " failed", e);
    } catch (ApiException e) {
      throw new IllegalStateException(RESOURCE + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  /** The document as served. */
  byte[] bytes() {
    return bytes.clone();
  }
}
