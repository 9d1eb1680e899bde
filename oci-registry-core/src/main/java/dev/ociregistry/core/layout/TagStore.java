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

  /** Wired by the registry as it opens (the parameter types are internal); not for applications. */
  public TagStore(StorageDriver storage, StripedLocks tagLocks, LayoutIndex index) {
    this.storage = storage;
    this.tagLocks = tagLocks;
    this.index = index;
  }

  /** The digest {@code tag} points at, when the tag exists. */
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
   */
  public void set(RepositoryName repository, Tag tag, LayoutIndex.Entry manifest)
      throws IOException {
    set(repository, tag, manifest, true);
  }

  /**
   * As {@link #set(RepositoryName, Tag, LayoutIndex.Entry)}; with {@code mayMove} false, a tag that
   * names another manifest stays as it is.
   *
   * @throws RegistryException {@link ErrorCode#DENIED} when the tag names another manifest and may
   *     not move
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
   * Removes a tag; the manifest stays, and its untagged age starts now. Returns whether the tag
   * existed.
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

  /** Removes {@code tag} only while it still points at {@code digest}. */
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

  /** Every tag of the repository, in {@link Tag#LISTING_ORDER}. */
  public List<Tag> list(RepositoryName repository) throws IOException {
    List<Tag> tags = new ArrayList<>();
    try (Stream<String> names = storage.list(LayoutKeys.tags(repository))) {
      names.filter(Tag::isValid).map(Tag::parse).forEach(tags::add);
    }
    tags.sort((a, b) -> Tag.LISTING_ORDER.compare(a.value(), b.value()));
    return tags;
  }

  /** One page of the repository's tags, after {@code last} when given. */
  public Page<Tag> list(RepositoryName repository, Optional<String> last, int limit)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (Tag tag : list(repository)) {
      names.add(tag.value());
    }
    Page<String> page = Page.of(names, last.orElse(null), limit, Tag.LISTING_ORDER);
    return page.map(Tag::parse);
  }

  /** The tags of the repository that point at {@code digest}. */
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
