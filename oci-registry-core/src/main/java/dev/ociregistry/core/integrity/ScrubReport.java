package dev.ociregistry.core.integrity;

import java.time.Duration;
import java.util.List;

/**
 * What one scrub found.
 *
 * @param blobsChecked blobs re-hashed
 * @param bytesChecked bytes read to do it
 * @param quarantined the digests whose content did not match, moved to quarantine
 * @param duration how long the run took, waits to keep the rate included
 */
public record ScrubReport(
    long blobsChecked, long bytesChecked, List<String> quarantined, Duration duration) {
  /**
   * Copies the quarantined digests.
   *
   * @param blobsChecked blobs re-hashed
   * @param bytesChecked bytes read to do it
   * @param quarantined the digests whose content did not match, copied
   * @param duration how long the run took
   */
  public ScrubReport {
    quarantined = List.copyOf(quarantined);
  }
}
