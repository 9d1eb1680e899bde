package dev.ociregistry.core.layout;

import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.model.Page;
import dev.ociregistry.core.model.RepositoryName;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The repositories of the registry: every one that holds manifests, blobs or tags of its own, as
 * the {@link RegistryMetadata} knows them. Every call reads the metadata; nothing is cached.
 *
 * @see <a href="https://distribution.github.io/distribution/spec/api/#catalog">the catalog API</a>
 */
public final class Catalog {
  private final RegistryMetadata metadata;

  /**
   * A catalog of the repositories in {@code metadata}.
   *
   * @param metadata the registry's metadata
   */
  public Catalog(RegistryMetadata metadata) {
    this.metadata = metadata;
  }

  /**
   * {@return whether anything was ever pushed or mounted to {@code repository}}: it has manifests,
   * blob links or tags (on the filesystem, even a directory of them emptied since)
   *
   * @param repository the repository
   * @throws IOException when the storage fails
   */
  public boolean exists(RepositoryName repository) throws IOException {
    return metadata.repositoryExists(repository);
  }

  /**
   * {@return every repository, sorted}
   *
   * @throws IOException when the storage fails
   */
  public List<RepositoryName> list() throws IOException {
    return metadata.repositories();
  }

  /**
   * {@return every repository below {@code namespace}, sorted}; {@code namespace} itself is not
   * among them
   *
   * @param namespace the name they start with
   * @throws IOException when the storage fails
   */
  public List<RepositoryName> listUnder(RepositoryName namespace) throws IOException {
    return metadata.repositoriesUnder(namespace);
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
}
