package dev.ociregistry.controller.http;

import dev.ociregistry.servlet.Route;
import java.util.Optional;

/**
 * The {@code route} label of a request: which part of the controller a path belongs to, from a
 * fixed, small set, so that no client can grow the number of series by inventing paths.
 */
public final class RouteLabel {
  private RouteLabel() {}

  /** The label of {@code path} (decoded, as routed). */
  public static String of(String path) {
    if (path == null) {
      return "other";
    }
    if (path.equals("/v2") || path.startsWith("/v2/")) {
      return registryRoute(path.substring("/v2".length()));
    }
    if (isUnder(path, "/api/v1")) {
      return "api";
    }
    if (isUnder(path, "/media")) {
      return "media";
    }
    if (isUnder(path, "/admin")) {
      return "admin";
    }
    if (path.equals("/metrics")) {
      return "metrics";
    }
    if (path.equals("/healthz") || path.equals("/readyz")) {
      return "health";
    }
    return "other";
  }

  private static String registryRoute(String afterV2) {
    Optional<Route.Match> match = Route.match(afterV2);
    if (match.isEmpty()) {
      return "other";
    }
    return switch (match.get().route()) {
      case BASE -> "base";
      case CATALOG -> "catalog";
      case UPLOADS, UPLOAD -> "uploads";
      case BLOB -> "blobs";
      case MANIFEST -> "manifests";
      case TAGS -> "tags";
      case REFERRERS -> "referrers";
    };
  }

  private static boolean isUnder(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }
}
