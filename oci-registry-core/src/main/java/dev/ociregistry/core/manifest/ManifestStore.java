package dev.ociregistry.core.manifest;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.DeletionGuard;
import dev.ociregistry.core.internal.LinkedManifests;
import dev.ociregistry.core.internal.ManifestParser;
import dev.ociregistry.core.layout.BlobStore;
import dev.ociregistry.core.layout.StorageStatistics;
import dev.ociregistry.core.layout.StoredBlob;
import dev.ociregistry.core.layout.TagStore;
import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.ManifestLink;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.ManifestDocument;
import dev.ociregistry.core.model.Page;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.StoredManifest;
import dev.ociregistry.core.model.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Manifests of a repository: push by tag or digest (exact bytes kept), get, stat, delete, and the
 * referrers of a subject.
 *
 * <p>A push holds the locks of its own digest and of every blob and child manifest it references
 * from the check that they are visible in the repository until its link and tag are written, and
 * notes them for a collection under way before it lets go. Garbage collection and deletes take the
 * same per-digest locks, so a push either sees a deleted blob as missing ({@code
 * MANIFEST_BLOB_UNKNOWN}) or the delete sees the push; never a 201 whose content then goes. A tag
 * is written under its manifest's lock, so it never names a manifest a concurrent delete unlinked.
 * The manifest's own link is rewritten on every push, which is the age the collector counts for
 * untagged manifests.
 *
 * <p>Safe for concurrent use.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-manifests">
 *     distribution-spec: pushing manifests</a>
 */
public final class ManifestStore {
  private final RegistryMetadata metadata;
  private final BlobStore blobs;
  private final TagStore tags;
  private final LinkedManifests linked;
  private final Coordination coordination;
  private final int maxManifestBytes;
  private final DeletionGuard deletionGuard;
  private final StorageStatistics statistics;

  /**
   * Wired by the registry as it opens (the parameter types are internal); not for applications,
   * which get the registry's store.
   *
   * @param metadata where links and referrer links are kept
   * @param blobs holds manifest bodies as blobs and answers which blobs a repository has
   * @param tags points tags at pushed manifests
   * @param linked reads a repository's manifests from storage
   * @param coordination the per-digest locks and notes shared with every writer and the collector
   * @param maxManifestBytes the largest body accepted, in bytes
   * @param deletionGuard refuses deletes of what a pin keeps
   * @param statistics told of every manifest link added or removed
   */
  @SuppressWarnings("exports")
  public ManifestStore(
      RegistryMetadata metadata,
      BlobStore blobs,
      TagStore tags,
      LinkedManifests linked,
      Coordination coordination,
      int maxManifestBytes,
      DeletionGuard deletionGuard,
      StorageStatistics statistics) {
    this.metadata = metadata;
    this.blobs = blobs;
    this.tags = tags;
    this.linked = linked;
    this.coordination = coordination;
    this.maxManifestBytes = maxManifestBytes;
    this.deletionGuard = deletionGuard;
    this.statistics = statistics;
  }

  /**
   * {@return the largest manifest body accepted, in bytes}; a larger push is refused with {@link
   * ErrorCode#MANIFEST_TOO_LARGE} (413)
   */
  public int maxManifestBytes() {
    return maxManifestBytes;
  }

  /**
   * Stores a manifest and, when {@code reference} is a tag, points the tag at it.
   *
   * @param repository the repository to push to
   * @param reference a tag, or the digest the body must have
   * @param body the exact bytes pushed, kept as they are; a push by tag stores them under their
   *     SHA-256 digest
   * @param contentType the media type the client declared, or null
   * @return the manifest's digest and, for a referrer, its subject
   * @throws RegistryException {@link ErrorCode#MANIFEST_TOO_LARGE}, {@link
   *     ErrorCode#MANIFEST_INVALID}, {@link ErrorCode#DIGEST_INVALID} or {@link
   *     ErrorCode#MANIFEST_BLOB_UNKNOWN}; nothing is stored then
   * @throws IOException when the storage fails
   */
  public PushedManifest put(
      RepositoryName repository, Reference reference, byte[] body, String contentType)
      throws IOException {
    return put(repository, reference, body, contentType, true);
  }

  /**
   * As {@link #put(RepositoryName, Reference, byte[], String)}; with {@code mayMoveTag} false, a
   * tag that names another manifest is left as it is and the push is refused with {@link
   * ErrorCode#DENIED}, checked under the tag's lock so that no concurrent push slips in between.
   * The manifest itself is stored and linked then, as a push by digest would.
   *
   * @param repository the repository to push to
   * @param reference a tag, or the digest the body must have
   * @param body the exact bytes pushed
   * @param contentType the media type the client declared, or null
   * @param mayMoveTag whether a tag that names another manifest may be moved to this one
   * @return the manifest's digest and, for a referrer, its subject
   * @throws RegistryException as the other {@code put}, and {@link ErrorCode#DENIED} when the tag
   *     may not move
   * @throws IOException when the storage fails
   */
  public PushedManifest put(
      RepositoryName repository,
      Reference reference,
      byte[] body,
      String contentType,
      boolean mayMoveTag)
      throws IOException {
    if (body.length > maxManifestBytes) {
      throw new RegistryException(
          ErrorCode.MANIFEST_TOO_LARGE,
          "manifest is " + body.length + " bytes; the limit is " + maxManifestBytes);
    }
    ManifestDocument document = ManifestParser.parse(body, contentType);
    Digest digest = digestOf(reference, body);
    Set<Digest> claimed = new HashSet<>();
    claimed.add(digest);
    document.blobs().forEach(blob -> claimed.add(blob.digest()));
    document.manifests().forEach(child -> claimed.add(child.digest()));
    Coordination.Held held = coordination.lock(claimed);
    try {
      for (Descriptor blob : document.blobs()) {
        claimBlob(repository, blob);
      }
      for (Descriptor child : document.manifests()) {
        claimChildManifest(repository, child);
      }
      blobs.storeContent(digest, body);
      if (metadata.linkManifest(repository, digest, document.mediaType())) {
        statistics.linked(repository, digest, true);
      }
      if (document.subject().isPresent()) {
        metadata.linkReferrer(repository, document.subject().get().digest(), digest);
      }
      if (reference.tag().isPresent()) {
        tags.set(
            repository,
            reference.tag().get(),
            Descriptor.of(document.mediaType(), digest, body.length),
            mayMoveTag);
      }
      // Noted only now that the link is written: a collection that began before this point either
      // lists the link or finds these digests noted when it is about to delete them.
      for (Digest noted : claimed) {
        coordination.note(noted);
      }
    } finally {
      held.close();
    }
    return new PushedManifest(digest, document.subject().map(Descriptor::digest));
  }

  /**
   * Reads the manifest {@code reference} names, with its bytes (GET).
   *
   * @param repository the repository it must be linked in
   * @param reference a tag or a digest
   * @return the manifest, or empty when the tag or the manifest is not in the repository
   * @throws IOException when the storage fails
   */
  public Optional<StoredManifest> get(RepositoryName repository, Reference reference)
      throws IOException {
    Optional<Digest> digest = resolve(repository, reference);
    return digest.isEmpty() ? Optional.empty() : linked.read(repository, digest.get());
  }

  /**
   * Looks up the manifest {@code reference} names, without reading its bytes (HEAD).
   *
   * @param repository the repository it must be linked in
   * @param reference a tag or a digest
   * @return the manifest with empty {@link StoredManifest#content}, or empty when it is not there
   * @throws IOException when the storage fails
   */
  public Optional<StoredManifest> stat(RepositoryName repository, Reference reference)
      throws IOException {
    Optional<Digest> digest = resolve(repository, reference);
    if (digest.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> mediaType = linked.mediaType(repository, digest.get());
    if (mediaType.isEmpty()) {
      return Optional.empty();
    }
    return metadata
        .blob(digest.get())
        .map(
            record ->
                new StoredManifest(digest.get(), mediaType.get(), record.size(), new byte[0]));
  }

  /**
   * Reads and parses a manifest of the repository.
   *
   * @param repository the repository it must be linked in
   * @param digest the manifest's digest
   * @return what the manifest references, or empty when it is not there
   * @throws IOException when the storage fails
   */
  public Optional<ManifestDocument> document(RepositoryName repository, Digest digest)
      throws IOException {
    return linked.document(repository, digest);
  }

  /**
   * Deletes a manifest from the repository, with every tag that points at it. Its blobs stay until
   * the garbage collector finds nothing needs them.
   *
   * @param repository the repository to delete it from
   * @param digest the manifest's digest
   * @throws RegistryException {@link ErrorCode#MANIFEST_UNKNOWN} when it is not there, {@link
   *     ErrorCode#DENIED} when the {@link DeletionGuard} keeps it (a pin)
   * @throws IOException when the storage fails
   */
  public void delete(RepositoryName repository, Digest digest) throws IOException {
    try (Coordination.Held lock = coordination.lock(digest)) {
      Optional<ManifestDocument> document = document(repository, digest);
      // A link whose content is gone (the scrub quarantined it) is deleted all the same, or
      // nothing could ever remove it; its referrer link, if any, cannot be found without the
      // content and is left.
      boolean contentGone =
          document.isEmpty()
              && linkInfo(repository, digest).isPresent()
              && metadata.blob(digest).isEmpty();
      if (document.isEmpty() && !contentGone) {
        throw unknown(repository, Reference.of(digest));
      }
      deletionGuard.check(repository, digest, "manifest");
      for (Tag tag : tags.tagsOf(repository, digest)) {
        tags.deleteIfPointsAt(repository, tag, digest);
      }
      if (document.isPresent() && document.get().subject().isPresent()) {
        metadata.unlinkReferrer(repository, document.get().subject().get().digest(), digest);
      }
      if (!metadata.unlinkManifest(repository, digest)) {
        throw unknown(repository, Reference.of(digest));
      }
      statistics.unlinked(repository, digest, true);
    }
  }

  /**
   * Deletes a tag; the manifest stays, reachable by digest.
   *
   * @param repository the tag's repository
   * @param tag the tag
   * @throws RegistryException {@link ErrorCode#MANIFEST_UNKNOWN} when there is no such tag
   * @throws IOException when the storage fails
   */
  public void deleteTag(RepositoryName repository, Tag tag) throws IOException {
    if (!tags.delete(repository, tag)) {
      throw unknown(repository, Reference.of(tag));
    }
  }

  /**
   * Lists the manifests of a repository.
   *
   * @param repository the repository
   * @return the digests of every manifest linked there, tagged or not, in digest order
   * @throws IOException when the storage fails
   */
  public List<Digest> list(RepositoryName repository) throws IOException {
    List<Digest> digests = new ArrayList<>(metadata.manifestLinks(repository));
    digests.sort(null);
    return digests;
  }

  /**
   * Looks up a manifest's link, whose modification time is the age the collector counts for an
   * untagged manifest: its last push, or when a tag or a pin last left it.
   *
   * @param repository the repository
   * @param digest the manifest's digest
   * @return the link's size and time, or empty when the manifest is not linked there
   * @throws IOException when the storage fails
   */
  public Optional<ManifestLink> linkInfo(RepositoryName repository, Digest digest)
      throws IOException {
    return metadata.manifestLink(repository, digest);
  }

  /**
   * How much of a referrers page its descriptors may take, their annotations counted at their
   * length: a subject with many referrers carrying large annotations is listed over several pages
   * rather than in one answer that could exhaust the heap.
   */
  public static final long MAX_REFERRERS_PAGE_BYTES = 1024 * 1024;

  /** What a descriptor costs a page besides its annotations. */
  private static final int DESCRIPTOR_BYTES = 256;

  /**
   * Every manifest of the repository whose {@code subject} is {@code subject}, ordered by digest:
   * all pages of {@link #referrers(RepositoryName, Digest, Optional, Optional, int)} at once.
   *
   * @param repository the repository
   * @param subject the digest the referrers name as their {@code subject}; it need not exist
   * @param artifactType when present, only referrers of that artifact type
   * @return the referrers' descriptors, each with its artifact type and annotations
   * @throws IOException when the storage fails
   */
  public List<Descriptor> referrers(
      RepositoryName repository, Digest subject, Optional<String> artifactType) throws IOException {
    List<Descriptor> all = new ArrayList<>();
    Optional<Digest> after = Optional.empty();
    Page<Descriptor> page;
    do {
      page = referrers(repository, subject, artifactType, after, Integer.MAX_VALUE);
      all.addAll(page.items());
      if (!page.items().isEmpty()) {
        after = Optional.of(page.items().get(page.items().size() - 1).digest());
      }
    } while (page.more() && !page.items().isEmpty());
    return all;
  }

  /**
   * One page of the manifests of the repository whose {@code subject} is {@code subject}, as
   * descriptors with their artifact type and annotations, ordered by digest: those after {@code
   * after}, at most {@code limit} of them and {@link #MAX_REFERRERS_PAGE_BYTES} (at least one).
   *
   * @param repository the repository
   * @param subject the digest the referrers name as their {@code subject}; it need not exist
   * @param artifactType when present, only referrers of that artifact type
   * @param after the last digest of the previous page, or empty for the first page
   * @param limit the most descriptors to return
   * @return the page; {@link Page#more} when referrers follow it
   * @throws IOException when the storage fails
   * @see <a
   *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers">
   *     distribution-spec: listing referrers</a>
   */
  public Page<Descriptor> referrers(
      RepositoryName repository,
      Digest subject,
      Optional<String> artifactType,
      Optional<Digest> after,
      int limit)
      throws IOException {
    List<Digest> referrers = new ArrayList<>();
    for (Digest digest : metadata.referrers(repository, subject)) {
      if (after.isEmpty() || digest.compareTo(after.get()) > 0) {
        referrers.add(digest);
      }
    }
    referrers.sort(null);
    List<Descriptor> descriptors = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < referrers.size(); i++) {
      if (descriptors.size() >= limit
          || (!descriptors.isEmpty() && bytes >= MAX_REFERRERS_PAGE_BYTES)) {
        return new Page<>(descriptors, true);
      }
      Digest referrer = referrers.get(i);
      Optional<StoredManifest> manifest = get(repository, Reference.of(referrer));
      if (manifest.isEmpty()) {
        continue;
      }
      ManifestDocument document =
          ManifestParser.parse(manifest.get().content(), manifest.get().mediaType());
      Optional<String> type = document.effectiveArtifactType();
      if (artifactType.isPresent() && !artifactType.equals(type)) {
        continue;
      }
      Descriptor descriptor =
          new Descriptor(
              document.mediaType(), referrer, manifest.get().size(), type, document.annotations());
      descriptors.add(descriptor);
      bytes += DESCRIPTOR_BYTES;
      for (Map.Entry<String, String> annotation : descriptor.annotations().entrySet()) {
        bytes += annotation.getKey().length() + annotation.getValue().length();
      }
    }
    return new Page<>(descriptors, false);
  }

  private Optional<Digest> resolve(RepositoryName repository, Reference reference)
      throws IOException {
    if (reference.digest().isPresent()) {
      return reference.digest();
    }
    return tags.resolve(repository, reference.tag().orElseThrow());
  }

  private Digest digestOf(Reference reference, byte[] body) {
    if (reference.digest().isEmpty()) {
      return Digest.sha256(body);
    }
    Digest declared = reference.digest().get();
    Digest actual = Digest.of(declared.algorithm(), body);
    if (!actual.equals(declared)) {
      throw new RegistryException(
          ErrorCode.DIGEST_INVALID,
          "manifest digest " + actual + " does not match the reference " + declared,
          declared.toString());
    }
    return actual;
  }

  private void claimBlob(RepositoryName repository, Descriptor blob) throws IOException {
    Optional<StoredBlob> stored = blobs.statAndRefresh(repository, blob.digest());
    if (stored.isEmpty()) {
      throw new RegistryException(
          ErrorCode.MANIFEST_BLOB_UNKNOWN,
          "blob " + blob.digest() + " is not known in repository " + repository,
          blob.digest().toString());
    }
    if (stored.get().size() != blob.size()) {
      throw new RegistryException(
          ErrorCode.MANIFEST_INVALID,
          "descriptor of "
              + blob.digest()
              + " says size "
              + blob.size()
              + " but the blob is "
              + stored.get().size()
              + " bytes");
    }
    coordination.note(blob.digest());
  }

  /** Checks a child manifest is in the repository and refreshes its age; its lock is held. */
  private void claimChildManifest(RepositoryName repository, Descriptor child) throws IOException {
    boolean present =
        metadata.refreshManifestLink(repository, child.digest())
            && metadata.refreshBlob(child.digest());
    if (!present) {
      throw new RegistryException(
          ErrorCode.MANIFEST_BLOB_UNKNOWN,
          "manifest " + child.digest() + " is not known in repository " + repository,
          child.digest().toString());
    }
  }

  private static RegistryException unknown(RepositoryName repository, Reference reference) {
    return new RegistryException(
        ErrorCode.MANIFEST_UNKNOWN,
        "manifest " + reference + " is not known in repository " + repository,
        reference.toString());
  }
}
