package dev.ociregistry.core.content;

/**
 * What one pass of {@link BlobContent#removeLeftovers} did.
 *
 * @param waiting leftovers found that are not old enough yet: a later pass removes them if nothing
 *     names them by then
 * @param removed leftovers removed: content, upload parts and tails
 * @param bytesFreed the bytes they held, as far as the store tells
 */
public record LeftoverRepair(long waiting, long removed, long bytesFreed) {
  /** A pass that found nothing. */
  public static final LeftoverRepair NONE = new LeftoverRepair(0, 0, 0);
}
