package dev.ociregistry.core.content;

import java.io.IOException;

/** Content whose length is not the one declared; nothing of it was kept. */
public final class SizeMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The length the writer declared. */
  private final long declared;

  /** The bytes that arrived. */
  private final long actual;

  /**
   * Creates the exception.
   *
   * @param declared the length the writer declared
   * @param actual the bytes that arrived, at most {@code declared + 1} when more did
   */
  public SizeMismatchException(long declared, long actual) {
    super(
        "content length "
            + (actual > declared ? "exceeds" : "is short of")
            + " the size "
            + declared
            + " that was declared");
    this.declared = declared;
    this.actual = actual;
  }

  /**
   * The declared length.
   *
   * @return the length the writer declared
   */
  public long declared() {
    return declared;
  }

  /**
   * What arrived.
   *
   * @return the bytes read, at most {@code declared + 1} when more did arrive
   */
  public long actual() {
    return actual;
  }
}
