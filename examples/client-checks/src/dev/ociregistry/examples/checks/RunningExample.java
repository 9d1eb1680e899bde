package dev.ociregistry.examples.checks;

import dev.ociregistry.core.Maintenance;
import java.net.URI;

/**
 * An example started as its {@code main} starts it, as the checks see it.
 *
 * @param uri where it serves the API: {@code http://localhost:<port>/v2/}
 * @param maintenance the housekeeping it started
 * @param stop what its shutdown hook runs
 */
public record RunningExample(URI uri, Maintenance maintenance, Stop stop) {
  /** The example's stop method, the one its shutdown hook calls. */
  @FunctionalInterface
  public interface Stop {
    void stop() throws Exception;
  }

  /** {@code localhost:<port>}, as clients name a registry. */
  public String hostPort() {
    return uri.getHost() + ":" + uri.getPort();
  }
}
