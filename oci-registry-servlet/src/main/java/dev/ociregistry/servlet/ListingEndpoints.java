package dev.ociregistry.servlet;

import dev.ociregistry.core.ErrorCode;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryException;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Page;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Listings: tags (end-8a, end-8b) and the catalog, paginated with {@code n} and {@code last} and a
 * {@code Link} header to the next page; referrers (end-12a, end-12b) as an image index, filterable
 * by {@code artifactType}. Every page is capped at the registry's page size whatever {@code n}
 * asks.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#content-discovery">
 *     distribution-spec: content discovery</a>
 */
final class ListingEndpoints {
  private final OciRegistry registry;

  ListingEndpoints(OciRegistry registry) {
    this.registry = registry;
  }

  void tags(HttpServletRequest request, HttpServletResponse response, RepositoryName name)
      throws IOException {
    if (!registry.catalog().exists(name)) {
      throw new RegistryException(
          ErrorCode.NAME_UNKNOWN, "repository " + name + " is not known", name.value());
    }
    int limit = pageSize(request);
    Page<Tag> page = registry.tags().list(name, last(request), limit);
    List<String> tags = page.items().stream().map(Tag::value).toList();
    if (page.more()) {
      link(response, Locations.base(request) + "/" + name + "/tags/list", limit, tags);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name.value());
    body.put("tags", tags);
    Responses.json(response, HttpServletResponse.SC_OK, "application/json", body);
  }

  void catalog(HttpServletRequest request, HttpServletResponse response) throws IOException {
    int limit = pageSize(request);
    Page<RepositoryName> page = registry.catalog().list(last(request), limit);
    List<String> names = page.items().stream().map(RepositoryName::value).toList();
    if (page.more()) {
      link(response, Locations.base(request) + "/_catalog", limit, names);
    }
    Responses.json(
        response, HttpServletResponse.SC_OK, "application/json", Map.of("repositories", names));
  }

  void referrers(
      HttpServletRequest request, HttpServletResponse response, RepositoryName name, Digest subject)
      throws IOException {
    Optional<String> artifactType =
        QueryParameters.of(request).get("artifactType", ErrorCode.QUERY_INVALID);
    List<Descriptor> referrers = registry.manifests().referrers(name, subject, artifactType);
    if (artifactType.isPresent()) {
      response.setHeader("OCI-Filters-Applied", "artifactType");
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", referrers.stream().map(ListingEndpoints::descriptor).toList());
    Responses.json(response, HttpServletResponse.SC_OK, MediaTypes.OCI_INDEX, index);
  }

  private static Map<String, Object> descriptor(Descriptor descriptor) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("mediaType", descriptor.mediaType());
    json.put("digest", descriptor.digest().toString());
    json.put("size", descriptor.size());
    descriptor.artifactType().ifPresent(type -> json.put("artifactType", type));
    if (!descriptor.annotations().isEmpty()) {
      json.put("annotations", descriptor.annotations());
    }
    return json;
  }

  private int pageSize(HttpServletRequest request) {
    int max = registry.options().maxPageSize();
    Optional<String> parameter =
        QueryParameters.of(request).get("n", ErrorCode.PAGINATION_NUMBER_INVALID);
    if (parameter.isEmpty()) {
      return max;
    }
    String n = parameter.get();
    if (n.isEmpty() || n.length() > 10 || !n.chars().allMatch(Character::isDigit)) {
      throw new RegistryException(
          ErrorCode.PAGINATION_NUMBER_INVALID, "n must be a non-negative integer: " + n);
    }
    return (int) Math.min(Long.parseLong(n), max);
  }

  private static Optional<String> last(HttpServletRequest request) {
    return QueryParameters.of(request).get("last", ErrorCode.QUERY_INVALID);
  }

  private static void link(
      HttpServletResponse response, String path, int limit, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    String last = items.get(items.size() - 1);
    response.setHeader(
        "Link",
        "<"
            + path
            + "?n="
            + limit
            + "&last="
            + URLEncoder.encode(last, StandardCharsets.UTF_8)
            + ">; rel=\"next\"");
  }
}
