package dev.ociregistry.core.content;

import dev.ociregistry.core.digest.Digest;
import java.io.IOException;

/**
 * Verified content not yet visible as a blob: the caller decides, holding the digest's lock,
 * whether to keep it ({@link #commit()}) or drop it because an equal blob is already kept ({@link
 * #discard()}). Exactly one of the two is called, once.
 */
public abstract class StagedBlob {
  private final Digest digest;
  private final long size;

  /**
   * For implementations of {@link BlobContent}.
   *
   * @param digest the digest the content was verified against
   * @param size the content's length in bytes
   */
  protected StagedBlob(Digest digest, long size) {
    this.digest = digest;
    this.size = size;
  }

  /**
   * The digest the content was verified against.
   *
   * @return the content's digest
   */
  public final Digest digest() {
    return digest;
  }

  /**
   * The content's length.
   *
   * @return its size in bytes
   */
  public final long size() {
    return size;
  }

  /**
   * Makes the content visible.
   *
   * @return the location that now holds it
   * @throws IOException when the store fails; the staged content is dropped then
   */
  public abstract String commit() throws IOException;

  /** Drops the content; failures are swallowed, as a repair pass finds what is left. */
  public abstract void discard();
}
