package dev.ociregistry.core.content;

import dev.ociregistry.core.digest.Digest;
import java.io.IOException;

/** Content whose digest is not the one expected; nothing of it was kept. */
public final class DigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The digest the writer named. */
  private final Digest expected;

  /** The digest of what arrived. */
  private final Digest actual;

  /**
   * Creates the exception.
   *
   * @param expected the digest the writer named
   * @param actual the digest of what arrived
   */
  public DigestMismatchException(Digest expected, Digest actual) {
    super("content digest " + actual + " does not match " + expected);
    this.expected = expected;
    this.actual = actual;
  }

  /**
   * The digest the writer named.
   *
   * @return the expected digest
   */
  public Digest expected() {
    return expected;
  }

  /**
   * The digest of what arrived.
   *
   * @return the actual digest
   */
  public Digest actual() {
    return actual;
  }
}
