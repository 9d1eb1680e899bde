package dev.ociregistry.servlet;

import java.io.IOException;
import java.util.Locale;

/** What an I/O failure of the storage says about the storage. */
final class StorageFailures {
  private StorageFailures() {}

  /**
   * Whether {@code failure}, or anything that caused it, is the file system running out of space
   * (ENOSPC, or EDQUOT for a quota): the JDK reports both only in the message.
   */
  static boolean isDiskFull(IOException failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left on device") || lower.contains("disk quota exceeded")) {
          return true;
        }
      }
    }
    return false;
  }
}
