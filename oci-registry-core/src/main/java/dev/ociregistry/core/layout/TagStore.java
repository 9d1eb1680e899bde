package dev.ociregistry.core.layout;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.metadata.MetadataConflictException;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.Page;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tags, kept in the {@link RegistryMetadata}, where each change is one atomic step (on the
 * filesystem {@code repositories/<name>/_refs/<tag>} is the truth and {@code index.json} mirrors
 * it).
 *
 * <p>Safe for concurrent use. Applications change tags through the {@code ManifestStore}, which
 * checks the manifest; this class checks nothing about the manifest a tag is pointed at.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-tags">
 *     distribution-spec: listing tags</a>
 */
public final class TagStore {
  private final RegistryMetadata metadata;

  /**
   * Wired by the registry as it opens; applications get the registry's store.
   *
   * @param metadata where tags are kept
   */
  public TagStore(RegistryMetadata metadata) {
    this.metadata = metadata;
  }

  /**
   * Reads the manifest digest a tag points at.
   *
   * @param repository the tag's repository
   * @param tag the tag
   * @return the digest, or empty when the repository has no such tag
   * @throws RegistryException {@link ErrorCode#DIGEST_INVALID} when the ref holds no digest (a
   *     damaged layout)
   * @throws IOException when the metadata store fails, or the ref is too large to be one
   */
  public Optional<Digest> resolve(RepositoryName repository, Tag tag) throws IOException {
    return metadata.tag(repository, tag);
  }

  /**
   * Points {@code tag} at a manifest, replacing what it pointed at. The manifest it pointed at
   * before starts its untagged age now, before the tag leaves it, so the collector never sees it
   * untagged and old at once.
   *
   * @param repository the tag's repository
   * @param tag the tag, created when missing
   * @param manifest the manifest's media type, digest and size, as {@code index.json} records them
   * @throws IOException when the storage fails
   */
  public void set(RepositoryName repository, Tag tag, Descriptor manifest) throws IOException {
    set(repository, tag, manifest, true);
  }

  /**
   * As {@link #set(RepositoryName, Tag, Descriptor)}; with {@code mayMove} false, a tag that names
   * another manifest stays as it is.
   *
   * @param repository the tag's repository
   * @param tag the tag, created when missing
   * @param manifest the manifest's media type, digest and size, as {@code index.json} records them
   * @param mayMove whether a tag that names another manifest may be moved to this one
   * @throws RegistryException {@link ErrorCode#DENIED} when the tag names another manifest and may
   *     not move
   * @throws IOException when the storage fails
   */
  public void set(RepositoryName repository, Tag tag, Descriptor manifest, boolean mayMove)
      throws IOException {
    try {
      metadata.setTag(repository, tag, manifest, mayMove);
    } catch (MetadataConflictException e) {
      throw new RegistryException(
          ErrorCode.DENIED,
          "tag "
              + tag
              + " of "
              + repository
              + " names another manifest; moving it needs the update right",
          tag.value());
    }
  }

  /**
   * Removes a tag; the manifest stays, and its untagged age starts now.
   *
   * @param repository the tag's repository
   * @param tag the tag
   * @return whether the tag existed
   * @throws IOException when the storage fails
   */
  public boolean delete(RepositoryName repository, Tag tag) throws IOException {
    return metadata.deleteTag(repository, tag, Optional.empty());
  }

  /**
   * Removes {@code tag} only while it still points at {@code digest}, so that a tag moved meanwhile
   * (by a push) is kept.
   *
   * @param repository the tag's repository
   * @param tag the tag
   * @param digest the manifest the tag must still point at
   * @return whether the tag was removed
   * @throws IOException when the storage fails
   */
  public boolean deleteIfPointsAt(RepositoryName repository, Tag tag, Digest digest)
      throws IOException {
    return metadata.deleteTag(repository, tag, Optional.of(digest));
  }

  /**
   * Lists every tag of a repository.
   *
   * @param repository the repository
   * @return its tags in {@link Tag#LISTING_ORDER}; empty when it has none or does not exist
   * @throws IOException when the storage fails
   */
  public List<Tag> list(RepositoryName repository) throws IOException {
    List<Tag> tags = new ArrayList<>(metadata.tags(repository));
    tags.sort((a, b) -> Tag.LISTING_ORDER.compare(a.value(), b.value()));
    return tags;
  }

  /**
   * Lists one page of a repository's tags, as the tags list endpoint pages them with {@code n} and
   * {@code last}.
   *
   * @param repository the repository
   * @param last the tag after which the page starts; it need not exist
   * @param limit the most tags to return; the caller caps it
   * @return the page, in {@link Tag#LISTING_ORDER}
   * @throws IOException when the storage fails
   */
  public Page<Tag> list(RepositoryName repository, Optional<String> last, int limit)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (Tag tag : list(repository)) {
      names.add(tag.value());
    }
    Page<String> page = Page.of(names, last.orElse(null), limit, Tag.LISTING_ORDER);
    return page.map(Tag::parse);
  }

  /**
   * Finds the tags that point at a manifest; reads every ref of the repository.
   *
   * @param repository the repository
   * @param digest the manifest's digest
   * @return those tags, in {@link Tag#LISTING_ORDER}; empty when the manifest is untagged
   * @throws IOException when the storage fails
   */
  public List<Tag> tagsOf(RepositoryName repository, Digest digest) throws IOException {
    List<Tag> tags = new ArrayList<>();
    for (Tag tag : list(repository)) {
      if (resolve(repository, tag).map(digest::equals).orElse(false)) {
        tags.add(tag);
      }
    }
    return tags;
  }
}
