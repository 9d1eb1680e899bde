package dev.ociregistry.core.layout;

import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.model.Page;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The repositories of the registry: every directory under {@code repositories/} that holds
 * manifests, blobs or tags of its own. Nested names are found by walking path components, which
 * never start with {@code _}.
 *
 * @see <a href="https://distribution.github.io/distribution/spec/api/#catalog">the catalog API</a>
 */
public final class Catalog {
  private final StorageDriver storage;

  public Catalog(StorageDriver storage) {
    this.storage = storage;
  }

  /** Whether anything was ever pushed to {@code repository}. */
  public boolean exists(RepositoryName repository) throws IOException {
    String base = LayoutKeys.repository(repository) + "/";
    return storage.isPrefix(base + LayoutKeys.MANIFESTS)
        || storage.isPrefix(base + LayoutKeys.BLOB_LINKS)
        || storage.isPrefix(base + LayoutKeys.REFS);
  }

  /** Every repository, in lexical order. */
  public List<RepositoryName> list() throws IOException {
    List<String> names = new ArrayList<>();
    walk(LayoutKeys.REPOSITORIES, "", names);
    names.sort(null);
    return names.stream().map(RepositoryName::parse).toList();
  }

  /**
   * The repositories below {@code namespace} ({@code namespace/...}, not {@code namespace} itself),
   * in lexical order; only that part of the tree is walked.
   */
  public List<RepositoryName> listUnder(RepositoryName namespace) throws IOException {
    List<String> names = new ArrayList<>();
    walk(LayoutKeys.repository(namespace), namespace.value(), names);
    names.remove(namespace.value());
    names.sort(null);
    return names.stream().map(RepositoryName::parse).toList();
  }

  /** One page of repositories, after {@code last} when given. */
  public Page<RepositoryName> list(Optional<String> last, int limit) throws IOException {
    List<String> names = list().stream().map(RepositoryName::value).toList();
    Page<String> page = Page.of(names, last.orElse(null), limit);
    return page.map(RepositoryName::parse);
  }

  private void walk(String key, String name, List<String> found) throws IOException {
    List<String> children;
    try (Stream<String> list = storage.list(key)) {
      children = list.toList();
    }
    boolean isRepository = false;
    for (String child : children) {
      if (child.startsWith("_")) {
        isRepository |=
            child.equals(LayoutKeys.MANIFESTS)
                || child.equals(LayoutKeys.BLOB_LINKS)
                || child.equals(LayoutKeys.REFS);
      } else {
        String childName = name.isEmpty() ? child : name + "/" + child;
        if (RepositoryName.isValid(childName) && storage.isPrefix(key + "/" + child)) {
          walk(key + "/" + child, childName, found);
        }
      }
    }
    if (isRepository) {
      found.add(name);
    }
  }
}
