package dev.ociregistry.servlet.internal;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.codec.DecoderException;
import org.apache.commons.codec.net.PercentCodec;

/**
 * The query parameters of a request, read from the query string alone.
 *
 * <p>{@link HttpServletRequest#getParameter} would read an {@code
 * application/x-www-form-urlencoded} body as parameters, eating a blob pushed with that content
 * type, and fails with an unchecked exception on a bad escape. Here escapes are decoded strictly as
 * UTF-8, {@code +} stays a plus (as in {@code application/vnd.oci.image.manifest.v1+json}), and a
 * bad value is the client's error.
 */
public final class QueryParameters {
  private final Map<String, String> raw;

  private QueryParameters(Map<String, String> raw) {
    this.raw = raw;
  }

  /** Splits the query string; the first occurrence of a name wins. */
  public static QueryParameters of(HttpServletRequest request) {
    Map<String, String> raw = new HashMap<>();
    String query = request.getQueryString();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int equals = pair.indexOf('=');
        String name = equals < 0 ? pair : pair.substring(0, equals);
        raw.putIfAbsent(name, equals < 0 ? "" : pair.substring(equals + 1));
      }
    }
    return new QueryParameters(raw);
  }

  /**
   * The decoded value of a parameter.
   *
   * @param onBadEncoding the error to answer when the value's escapes or UTF-8 are invalid
   */
  public Optional<String> get(String name, ErrorCode onBadEncoding) {
    String value = raw.get(name);
    if (value == null) {
      return Optional.empty();
    }
    try {
      byte[] bytes = new PercentCodec().decode(value.getBytes(StandardCharsets.US_ASCII));
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (DecoderException | CharacterCodingException e) {
      throw new RegistryException(
          onBadEncoding, "query parameter " + name + " has an invalid escape or is not UTF-8");
    }
  }
}
