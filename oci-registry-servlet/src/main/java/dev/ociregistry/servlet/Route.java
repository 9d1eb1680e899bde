package dev.ociregistry.servlet;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path shapes of the {@code /v2} API. A repository name may contain {@code /}, so each shape is
 * matched against the path after {@code /v2}, upload shapes first.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#endpoints">
 *     distribution-spec: endpoints</a>
 */
public enum Route {
  /** {@code /v2/}: end-1. */
  BASE("/?"),
  /** {@code /v2/_catalog}. */
  CATALOG("/_catalog"),
  /** {@code /v2/<name>/blobs/uploads/}: end-4a, end-4b, end-11. */
  UPLOADS("/(?<name>.+)/blobs/uploads/?"),
  /** {@code /v2/<name>/blobs/uploads/<reference>}: end-5, end-6, end-13, and cancel. */
  UPLOAD("/(?<name>.+)/blobs/uploads/(?<param>[^/]+)"),
  /** {@code /v2/<name>/blobs/<digest>}: end-2, end-10. */
  BLOB("/(?<name>.+)/blobs/(?<param>[^/]+)"),
  /** {@code /v2/<name>/manifests/<reference>}: end-3, end-7, end-9. */
  MANIFEST("/(?<name>.+)/manifests/(?<param>[^/]+)"),
  /** {@code /v2/<name>/tags/list}: end-8a, end-8b. */
  TAGS("/(?<name>.+)/tags/list"),
  /** {@code /v2/<name>/referrers/<digest>}: end-12a, end-12b. */
  REFERRERS("/(?<name>.+)/referrers/(?<param>[^/]+)");

  private final Pattern pattern;

  Route(String regex) {
    this.pattern = Pattern.compile(regex);
  }

  /**
   * A matched path: its route, the raw repository name and the last path parameter, neither of them
   * validated yet.
   *
   * @param route the route the path matched
   * @param name the repository name as the path has it, or null for {@link #BASE} and {@link
   *     #CATALOG}
   * @param param the digest, tag or upload id that ends the path, or null for a route without one
   */
  public record Match(Route route, String name, String param) {}

  /**
   * Matches the path after {@code /v2} (null or empty for the base).
   *
   * @param pathInfo the servlet's path info, as {@code HttpServletRequest#getPathInfo()} gives it,
   *     or null
   * @return empty when the path names no endpoint
   */
  public static Optional<Match> match(String pathInfo) {
    String path = pathInfo == null ? "" : pathInfo;
    for (Route route : values()) {
      Matcher matcher = route.pattern.matcher(path);
      if (matcher.matches()) {
        return Optional.of(new Match(route, group(matcher, "name"), group(matcher, "param")));
      }
    }
    return Optional.empty();
  }

  private static String group(Matcher matcher, String name) {
    try {
      return matcher.group(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
