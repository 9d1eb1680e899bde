package dev.ociregistry.s3;

import dev.ociregistry.core.content.BlobNotFoundException;
import java.io.IOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** One request to the object store, its SDK failures turned into the content SPI's exceptions. */
final class ObjectStoreCall {
  /** A request whose result is {@code T}. */
  @FunctionalInterface
  interface Request<T> {
    T send() throws IOException;
  }

  private ObjectStoreCall() {}

  /**
   * Sends {@code request}; a missing key or upload becomes {@link BlobNotFoundException} naming
   * {@code what}, any other SDK failure an {@link IOException} that says what failed.
   */
  static <T> T send(String what, Request<T> request) throws IOException {
    try {
      return request.send();
    } catch (SdkException e) {
      if (isNotFound(e)) {
        throw new BlobNotFoundException(what);
      }
      throw new IOException("object store failed on " + what + ": " + e.getMessage(), e);
    }
  }

  /** Whether the store answered that the key or the multipart upload does not exist. */
  static boolean isNotFound(SdkException e) {
    if (e instanceof AwsServiceException service) {
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      return service.statusCode() == 404 || "NoSuchKey".equals(code) || "NoSuchUpload".equals(code);
    }
    return false;
  }
}
