package dev.ociregistry.core.error;

/**
 * The error codes of the OCI distribution-spec, each with the HTTP status a registry answers with.
 *
 * <p>Descriptions quote the specification's error code table. Four entries reuse a spec code with a
 * status the spec or HTTP names elsewhere: {@link #BLOB_UPLOAD_RANGE_INVALID} (416 for an
 * out-of-order chunk), {@link #RANGE_NOT_SATISFIABLE} (416 for a blob range), {@link
 * #MANIFEST_TOO_LARGE} (413 for a manifest over the size limit) and {@link #ENDPOINT_UNKNOWN} (404
 * for a path that is no endpoint). {@link #UNKNOWN} and {@link #STORAGE_FULL} are the server's own
 * failures, under the {@code UNKNOWN} code other registries answer them with.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#error-codes">
 *     distribution-spec: error codes</a>
 */
public enum ErrorCode {
  /** Blob unknown to registry. */
  BLOB_UNKNOWN("BLOB_UNKNOWN", 404, "blob unknown to registry"),
  /** Blob upload invalid. */
  BLOB_UPLOAD_INVALID("BLOB_UPLOAD_INVALID", 400, "blob upload invalid"),
  /** A chunk does not start at the upload's current offset. */
  BLOB_UPLOAD_RANGE_INVALID("BLOB_UPLOAD_INVALID", 416, "requested range not satisfiable"),
  /** A {@code Range} outside the blob asked for. */
  RANGE_NOT_SATISFIABLE("SIZE_INVALID", 416, "requested range not satisfiable"),
  /** Blob upload unknown to registry. */
  BLOB_UPLOAD_UNKNOWN("BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry"),
  /** Provided digest did not match uploaded content. */
  DIGEST_INVALID("DIGEST_INVALID", 400, "provided digest did not match uploaded content"),
  /** Manifest references a manifest or blob unknown to registry. */
  MANIFEST_BLOB_UNKNOWN(
      "MANIFEST_BLOB_UNKNOWN", 404, "manifest references a manifest or blob unknown to registry"),
  /** Manifest invalid. */
  MANIFEST_INVALID("MANIFEST_INVALID", 400, "manifest invalid"),
  /** A manifest body larger than the registry accepts. */
  MANIFEST_TOO_LARGE("MANIFEST_INVALID", 413, "manifest too large"),
  /** Manifest unknown to registry. */
  MANIFEST_UNKNOWN("MANIFEST_UNKNOWN", 404, "manifest unknown to registry"),
  /** Invalid repository name. */
  NAME_INVALID("NAME_INVALID", 400, "invalid repository name"),
  /** Repository name not known to registry. */
  NAME_UNKNOWN("NAME_UNKNOWN", 404, "repository name not known to registry"),
  /** Provided length did not match content length. */
  SIZE_INVALID("SIZE_INVALID", 400, "provided length did not match content length"),
  /** Authentication required. */
  UNAUTHORIZED("UNAUTHORIZED", 401, "authentication required"),
  /** Requested access to the resource is denied. */
  DENIED("DENIED", 403, "requested access to the resource is denied"),
  /** The operation is unsupported. */
  UNSUPPORTED("UNSUPPORTED", 405, "the operation is unsupported"),
  /** A query parameter that is not validly percent-encoded UTF-8. */
  QUERY_INVALID("UNSUPPORTED", 400, "invalid query parameter"),
  /** A path that names no endpoint of the API. */
  ENDPOINT_UNKNOWN("UNSUPPORTED", 404, "no such endpoint"),
  /** Too many requests. */
  TOOMANYREQUESTS("TOOMANYREQUESTS", 429, "too many requests"),
  /**
   * The registry failed to answer for a reason of its own (its storage failed); the code is the one
   * registries use for errors the specification does not name.
   */
  UNKNOWN("UNKNOWN", 500, "unknown error"),
  /** The storage has no space left for what the request would write. */
  STORAGE_FULL("UNKNOWN", 507, "insufficient storage");

  private final String specCode;
  private final int httpStatus;
  private final String specMessage;

  ErrorCode(String specCode, int httpStatus, String specMessage) {
    this.specCode = specCode;
    this.httpStatus = httpStatus;
    this.specMessage = specMessage;
  }

  /**
   * {@return the code as it appears in an error body, e.g. {@code BLOB_UNKNOWN}}; several constants
   * share one, so compare constants, not codes.
   */
  public String specCode() {
    return specCode;
  }

  /** {@return the HTTP status a registry answers with, e.g. 404 for {@link #BLOB_UNKNOWN}} */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * {@return the specification's short description of the code}; an error body's {@code message} is
   * the exception's own, more specific text.
   */
  public String specMessage() {
    return specMessage;
  }
}
