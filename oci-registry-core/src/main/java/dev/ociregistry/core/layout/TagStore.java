package dev.ociregistry.core.layout;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.LayoutIndex;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.internal.StripedLocks;
import dev.ociregistry.core.model.Page;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.storage.ObjectTooLargeException;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Tags: {@code repositories/<name>/_refs/<tag>} holds the digest a tag points at and is the truth;
 * {@link LayoutIndex} mirrors it into {@code index.json}. Each tag change holds that tag's lock
 * across the ref write and the index update, so the two always end on the same digest.
 *
 * <p>Safe for concurrent use. Applications change tags through the {@code ManifestStore}, which
 * checks the manifest; this class checks nothing about the manifest a tag is pointed at.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-tags">
 *     distribution-spec: listing tags</a>
 */
// Internal types in some signatures: wired by the registry, not called by applications.
@SuppressWarnings("exports")
public final class TagStore {
  private static final int MAX_REF_BYTES = 512;

  private final StorageDriver storage;
  private final StripedLocks tagLocks;
  private final LayoutIndex index;

  /**
   * Wired by the registry as it opens (the parameter types are internal); not for applications,
   * which get the registry's store.
   *
   * @param storage where the refs are kept
   * @param tagLocks the per-tag locks
   * @param index the {@code index.json} mirror every tag change updates
   */
  public TagStore(StorageDriver storage, StripedLocks tagLocks, LayoutIndex index) {
    this.storage = storage;
    this.tagLocks = tagLocks;
    this.index = index;
  }

  /**
   * Reads the manifest digest a tag points at.
   *
   * @param repository the tag's repository
   * @param tag the tag
   * @return the digest, or empty when the repository has no such tag
   * @throws RegistryException {@link ErrorCode#DIGEST_INVALID} when the ref holds no digest (a
   *     damaged layout)
   * @throws IOException when the storage fails, or the ref is too large to be one ({@link
   *     ObjectTooLargeException})
   */
  public Optional<Digest> resolve(RepositoryName repository, Tag tag) throws IOException {
    Optional<byte[]> content = storage.readSmall(LayoutKeys.tag(repository, tag), MAX_REF_BYTES);
    if (content.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Digest.parse(new String(content.get(), StandardCharsets.US_ASCII).trim()));
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
  public void set(RepositoryName repository, Tag tag, LayoutIndex.Entry manifest)
      throws IOException {
    set(repository, tag, manifest, true);
  }

  /**
   * As {@link #set(RepositoryName, Tag, LayoutIndex.Entry)}; with {@code mayMove} false, a tag that
   * names another manifest stays as it is.
   *
   * @param repository the tag's repository
   * @param tag the tag, created when missing
   * @param manifest the manifest's media type, digest and size, as {@code index.json} records them
   * @param mayMove whether a tag that names another manifest may be moved to this one
   * @throws RegistryException {@link ErrorCode#DENIED} when the tag names another manifest and may
   *     not move
   * @throws IOException when the storage fails
   */
  public void set(RepositoryName repository, Tag tag, LayoutIndex.Entry manifest, boolean mayMove)
      throws IOException {
    ReentrantLock lock = tagLocks.lockFor(LayoutKeys.tag(repository, tag));
    lock.lock();
    try {
      Optional<Digest> previous = resolveQuietly(repository, tag);
      if (!mayMove && previous.isPresent() && !previous.get().equals(manifest.digest())) {
        throw new RegistryException(
            ErrorCode.DENIED,
            "tag "
                + tag
                + " of "
                + repository
                + " names another manifest; moving it needs the update right",
            tag.value());
      }
      if (previous.isPresent() && !previous.get().equals(manifest.digest())) {
        storage.touch(LayoutKeys.manifestLink(repository, previous.get()));
      }
      storage.writeAtomically(
          LayoutKeys.tag(repository, tag),
          manifest.digest().toString().getBytes(StandardCharsets.US_ASCII));
      index.put(LayoutIndex.refName(repository.value(), tag.value()), manifest);
    } finally {
      lock.unlock();
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
    ReentrantLock lock = tagLocks.lockFor(LayoutKeys.tag(repository, tag));
    lock.lock();
    try {
      Optional<Digest> previous = resolveQuietly(repository, tag);
      if (previous.isPresent()) {
        storage.touch(LayoutKeys.manifestLink(repository, previous.get()));
      }
      boolean existed = storage.delete(LayoutKeys.tag(repository, tag));
      index.remove(LayoutIndex.refName(repository.value(), tag.value()));
      return existed;
    } finally {
      lock.unlock();
    }
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
    ReentrantLock lock = tagLocks.lockFor(LayoutKeys.tag(repository, tag));
    lock.lock();
    try {
      if (!resolve(repository, tag).map(digest::equals).orElse(false)) {
        return false;
      }
      return delete(repository, tag);
    } finally {
      lock.unlock();
    }
  }

  /** What {@code tag} points at; empty also when its ref is damaged (recovery reports those). */
  private Optional<Digest> resolveQuietly(RepositoryName repository, Tag tag) throws IOException {
    try {
      return resolve(repository, tag);
    } catch (RuntimeException | ObjectTooLargeException e) {
      return Optional.empty();
    }
  }

  /**
   * Lists every tag of a repository.
   *
   * @param repository the repository
   * @return its tags in {@link Tag#LISTING_ORDER}; empty when it has none or does not exist
   * @throws IOException when the storage fails
   */
  public List<Tag> list(RepositoryName repository) throws IOException {
    List<Tag> tags = new ArrayList<>();
    try (Stream<String> names = storage.list(LayoutKeys.tags(repository))) {
      names.filter(Tag::isValid).map(Tag::parse).forEach(tags::add);
    }
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
