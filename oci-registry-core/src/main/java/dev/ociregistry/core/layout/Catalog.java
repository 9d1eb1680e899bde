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
 * never start with {@code _}. Every call reads storage; nothing is cached.
 *
 * @see <a href="https://distribution.github.io/distribution/spec/api/#catalog">the catalog API</a>
 */
public final class Catalog {
  private final StorageDriver storage;

  /**
   * A catalog of the repositories in {@code storage}.
   *
   * @param storage the registry's storage
   */
  public Catalog(StorageDriver storage) {
    this.storage = storage;
  }

  /**
   * {@return whether anything was ever pushed or mounted to {@code repository}}: it has a directory
   * of manifests, blob links or tags, even one emptied since
   *
   * @param repository the repository
   * @throws IOException when the storage fails
   */
  public boolean exists(RepositoryName repository) throws IOException {
    String base = LayoutKeys.repository(repository) + "/";
    return storage.isPrefix(base + LayoutKeys.MANIFESTS)
        || storage.isPrefix(base + LayoutKeys.BLOB_LINKS)
        || storage.isPrefix(base + LayoutKeys.REFS);
  }

  /**
   * Lists every repository by walking {@code repositories/}.
   *
   * @return the repositories, in lexical order
   * @throws IOException when the storage fails
   */
  public List<RepositoryName> list() throws IOException {
    List<String> names = new ArrayList<>();
    walk(LayoutKeys.REPOSITORIES, "", names);
    names.sort(null);
    return names.stream().map(RepositoryName::parse).toList();
  }

  /**
   * The repositories below {@code namespace} ({@code namespace/...}, not {@code namespace} itself),
   * in lexical order; only that part of the tree is walked.
   *
   * @param namespace the name whose descendants are listed
   * @return those repositories; empty when there are none
   * @throws IOException when the storage fails
   */
  public List<RepositoryName> listUnder(RepositoryName namespace) throws IOException {
    List<String> names = new ArrayList<>();
    walk(LayoutKeys.repository(namespace), namespace.value(), names);
    names.remove(namespace.value());
    names.sort(null);
    return names.stream().map(RepositoryName::parse).toList();
  }

  /**
   * Lists one page of repositories, as {@code _catalog} pages them with {@code n} and {@code last}.
   *
   * @param last the name after which the page starts; it need not exist
   * @param limit the most names to return; the caller caps it
   * @return the page, in lexical order
   * @throws IOException when the storage fails
   */
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
