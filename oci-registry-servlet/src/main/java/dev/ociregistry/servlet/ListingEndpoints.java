package dev.ociregistry.servlet;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.model.Page;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.servlet.internal.QueryParameters;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Listings: tags (end-8a, end-8b) and the catalog, paginated with {@code n} and {@code last} and a
 * {@code Link} header to the next page; referrers (end-12a, end-12b) as an image index, filterable
 * by {@code artifactType} and paged the same way, each page also bounded in bytes so that large
 * annotations never make one answer that exhausts the heap. Every page is capped at the registry's
 * page size whatever {@code n} asks.
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
    List<String> tags =
        page(
            request,
            response,
            Locations.base(request) + "/" + name + "/tags/list",
            (last, limit) -> registry.tags().list(name, last, limit).map(Tag::value));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name.value());
    body.put("tags", tags);
    Responses.json(response, HttpServletResponse.SC_OK, "application/json", body);
  }

  /** The catalog, showing only the repositories {@code visible} accepts. */
  void catalog(
      HttpServletRequest request, HttpServletResponse response, Predicate<RepositoryName> visible)
      throws IOException {
    List<String> names =
        page(
            request,
            response,
            Locations.base(request) + "/_catalog",
            (last, limit) -> visiblePage(last, limit, visible));
    Responses.json(
        response, HttpServletResponse.SC_OK, "application/json", Map.of("repositories", names));
  }

  /**
   * Up to {@code limit} visible repositories after {@code last}, and whether a visible one follows:
   * pages of the whole catalog are read until the page is full and one more visible name is found.
   */
  private Page<String> visiblePage(
      Optional<String> last, int limit, Predicate<RepositoryName> visible) throws IOException {
    List<String> items = new ArrayList<>();
    Optional<String> cursor = last;
    int batch = Math.max(limit, 1);
    while (true) {
      Page<RepositoryName> page = registry.catalog().list(cursor, batch);
      for (RepositoryName name : page.items()) {
        if (!visible.test(name)) {
          continue;
        }
        if (items.size() == limit) {
          return new Page<>(items, true);
        }
        items.add(name.value());
      }
      if (!page.more() || page.items().isEmpty()) {
        return new Page<>(items, false);
      }
      cursor = Optional.of(page.items().get(page.items().size() - 1).value());
    }
  }

  void referrers(
      HttpServletRequest request, HttpServletResponse response, RepositoryName name, Digest subject)
      throws IOException {
    QueryParameters query = QueryParameters.of(request);
    Optional<String> artifactType = query.get("artifactType", ErrorCode.QUERY_INVALID);
    Optional<Digest> after = query.get("last", ErrorCode.QUERY_INVALID).map(Digest::parse);
    int limit = pageSize(query);
    Page<Descriptor> page =
        registry.manifests().referrers(name, subject, artifactType, after, limit);
    List<Descriptor> referrers = page.items();
    if (artifactType.isPresent()) {
      response.setHeader("OCI-Filters-Applied", "artifactType");
    }
    if (page.more() && !referrers.isEmpty()) {
      response.setHeader(
          "Link",
          "<"
              + request.getRequestURI()
              + "?n="
              + limit
              + "&last="
              + referrers.get(referrers.size() - 1).digest()
              + artifactType
                  .map(type -> "&artifactType=" + URLEncoder.encode(type, StandardCharsets.UTF_8))
                  .orElse("")
              + ">; rel=\"next\"");
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

  /** One listing page, as {@code n} and {@code last} ask. */
  private interface PageSource {
    Page<String> page(Optional<String> last, int limit) throws IOException;
  }

  /**
   * Reads {@code n} and {@code last}, fetches that page, and links the next one when there is one.
   */
  private List<String> page(
      HttpServletRequest request, HttpServletResponse response, String path, PageSource source)
      throws IOException {
    QueryParameters query = QueryParameters.of(request);
    int limit = pageSize(query);
    Page<String> page = source.page(query.get("last", ErrorCode.QUERY_INVALID), limit);
    if (page.more()) {
      link(response, path, limit, page.items());
    }
    return page.items();
  }

  private int pageSize(QueryParameters query) {
    int max = registry.options().maxPageSize();
    Optional<String> parameter = query.get("n", ErrorCode.QUERY_INVALID);
    if (parameter.isEmpty()) {
      return max;
    }
    String n = parameter.get();
    if (n.isEmpty() || n.length() > 10 || !n.chars().allMatch(Character::isDigit)) {
      throw new RegistryException(
          ErrorCode.QUERY_INVALID, "n must be a non-negative integer: " + n);
    }
    return (int) Math.min(Long.parseLong(n), max);
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
