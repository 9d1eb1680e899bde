package dev.ociregistry.core.metadata;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the registry knows besides blob content. Every write is atomic: a crash or a concurrent
 * reader sees it whole or not at all. Implementations are safe for concurrent use.
 *
 * <p>Ordering between records (a manifest's link and the blobs it names, a blob's record and its
 * deletion by the collector) is the caller's, under the per-digest locks.
 */
public interface RegistryMetadata {
  /**
   * Whether {@code repository} holds anything: a tag, a manifest or a blob.
   *
   * @param repository the repository
   * @return whether it exists
   * @throws IOException when the store fails
   */
  boolean repositoryExists(RepositoryName repository) throws IOException;

  /**
   * Every repository that holds something.
   *
   * @return their names, sorted
   * @throws IOException when the store fails
   */
  List<RepositoryName> repositories() throws IOException;

  /**
   * Every repository whose name is below {@code namespace} ({@code a/b} and {@code a/b/c} under
   * {@code a}).
   *
   * @param namespace the name they start with
   * @return their names, sorted; {@code namespace} itself is not among them
   * @throws IOException when the store fails
   */
  List<RepositoryName> repositoriesUnder(RepositoryName namespace) throws IOException;

  /**
   * The manifest a tag names.
   *
   * @param repository the repository
   * @param tag the tag
   * @return its digest, or empty when the tag does not exist
   * @throws IOException when the store fails or the record is damaged
   */
  Optional<Digest> tag(RepositoryName repository, Tag tag) throws IOException;

  /**
   * When a tag was last set.
   *
   * @param repository the repository
   * @param tag the tag
   * @return the time, or empty when the tag does not exist
   * @throws IOException when the store fails
   */
  Optional<Instant> tagChanged(RepositoryName repository, Tag tag) throws IOException;

  /**
   * Points a tag at a manifest. A manifest the tag leaves has its link refreshed in the same step:
   * its grace period starts when it stops being tagged.
   *
   * @param repository the repository
   * @param tag the tag
   * @param manifest the manifest it names from now on
   * @param mayMove whether the tag may leave another manifest
   * @return the manifest the tag named before, or empty when it is new
   * @throws MetadataConflictException when {@code mayMove} is false and the tag names another
   *     manifest; nothing changed then
   * @throws IOException when the store fails
   */
  Optional<Digest> setTag(RepositoryName repository, Tag tag, Descriptor manifest, boolean mayMove)
      throws IOException;

  /**
   * Removes a tag, when it names {@code onlyIf} if that is given. The manifest it named has its
   * link refreshed in the same step.
   *
   * @param repository the repository
   * @param tag the tag
   * @param onlyIf the digest the tag must name to be removed, or empty for any (a damaged record is
   *     removed too then)
   * @return whether a tag was removed
   * @throws IOException when the store fails
   */
  boolean deleteTag(RepositoryName repository, Tag tag, Optional<Digest> onlyIf) throws IOException;

  /**
   * The tags of a repository.
   *
   * @param repository the repository
   * @return its tags, in no particular order
   * @throws IOException when the store fails
   */
  List<Tag> tags(RepositoryName repository) throws IOException;

  /**
   * A manifest as {@code repository} holds it.
   *
   * @param repository the repository
   * @param digest the manifest's digest
   * @return its link, or empty when the repository does not hold it
   * @throws IOException when the store fails
   */
  Optional<ManifestLink> manifestLink(RepositoryName repository, Digest digest) throws IOException;

  /**
   * Makes a manifest held by {@code repository}, or refreshes its link when it is.
   *
   * @param repository the repository
   * @param digest the manifest's digest
   * @param mediaType the media type it was pushed with
   * @return whether the link is new
   * @throws IOException when the store fails
   */
  boolean linkManifest(RepositoryName repository, Digest digest, String mediaType)
      throws IOException;

  /**
   * Removes a manifest from {@code repository}.
   *
   * @param repository the repository
   * @param digest the manifest's digest
   * @return whether the repository held it
   * @throws IOException when the store fails
   */
  boolean unlinkManifest(RepositoryName repository, Digest digest) throws IOException;

  /**
   * Sets a manifest link's last reference to now.
   *
   * @param repository the repository
   * @param digest the manifest's digest
   * @return whether the repository holds it
   * @throws IOException when the store fails
   */
  boolean refreshManifestLink(RepositoryName repository, Digest digest) throws IOException;

  /**
   * The manifests a repository holds.
   *
   * @param repository the repository
   * @return their digests, in no particular order
   * @throws IOException when the store fails
   */
  List<Digest> manifestLinks(RepositoryName repository) throws IOException;

  /**
   * Records that {@code referrer} names {@code subject} as its subject in {@code repository}.
   *
   * @param repository the repository
   * @param subject the subject's digest
   * @param referrer the referring manifest's digest
   * @throws IOException when the store fails
   */
  void linkReferrer(RepositoryName repository, Digest subject, Digest referrer) throws IOException;

  /**
   * Removes what {@link #linkReferrer} recorded.
   *
   * @param repository the repository
   * @param subject the subject's digest
   * @param referrer the referring manifest's digest
   * @throws IOException when the store fails
   */
  void unlinkReferrer(RepositoryName repository, Digest subject, Digest referrer)
      throws IOException;

  /**
   * The manifests of {@code repository} whose subject is {@code subject}.
   *
   * @param repository the repository
   * @param subject the subject's digest
   * @return their digests, in no particular order
   * @throws IOException when the store fails
   */
  List<Digest> referrers(RepositoryName repository, Digest subject) throws IOException;

  /**
   * Whether a blob is visible in {@code repository} (pushed or mounted there).
   *
   * @param repository the repository
   * @param digest the blob's digest
   * @return whether it is linked there
   * @throws IOException when the store fails
   */
  boolean blobLinked(RepositoryName repository, Digest digest) throws IOException;

  /**
   * Makes a blob visible in {@code repository}.
   *
   * @param repository the repository
   * @param digest the blob's digest
   * @return whether the link is new
   * @throws IOException when the store fails
   */
  boolean linkBlob(RepositoryName repository, Digest digest) throws IOException;

  /**
   * Removes a blob from {@code repository}.
   *
   * @param repository the repository
   * @param digest the blob's digest
   * @return whether it was linked there
   * @throws IOException when the store fails
   */
  boolean unlinkBlob(RepositoryName repository, Digest digest) throws IOException;

  /**
   * The blobs visible in a repository.
   *
   * @param repository the repository
   * @return their digests, in no particular order
   * @throws IOException when the store fails
   */
  List<Digest> blobLinks(RepositoryName repository) throws IOException;

  /**
   * A stored blob.
   *
   * @param digest the blob's digest
   * @return its record, or empty when it is not stored
   * @throws IOException when the store fails
   */
  Optional<BlobRecord> blob(Digest digest) throws IOException;

  /**
   * Sets a blob's last reference to now.
   *
   * @param digest the blob's digest
   * @return whether it is stored
   * @throws IOException when the store fails
   */
  boolean refreshBlob(Digest digest) throws IOException;

  /**
   * Records committed content as blob {@code digest}; its last reference is now.
   *
   * @param digest the blob's digest
   * @param size its length in bytes
   * @param location where the content store committed it
   * @throws IOException when the store fails
   */
  void recordBlob(Digest digest, long size, String location) throws IOException;

  /**
   * Removes a blob's record, before its content is deleted.
   *
   * @param digest the blob's digest
   * @throws IOException when the store fails
   */
  void forgetBlob(Digest digest) throws IOException;

  /**
   * Whether a blob's record names the content at {@code location}: the content store's leftovers
   * are what no record names.
   *
   * @param location a location the content store holds content at
   * @return whether some blob's record names it
   * @throws IOException when the store fails
   */
  boolean recordsLocation(String location) throws IOException;

  /**
   * Every stored blob.
   *
   * @return their digests, in no particular order; the caller closes the stream
   * @throws IOException when the store fails
   */
  Stream<Digest> blobs() throws IOException;

  /**
   * A pin.
   *
   * @param id the pin's id
   * @return the pin, or empty when there is none with that id
   * @throws IOException when the store fails or the record is damaged
   */
  Optional<Pin> pin(String id) throws IOException;

  /**
   * Writes a pin, replacing the one with its id.
   *
   * @param pin the pin
   * @throws IOException when the store fails
   */
  void putPin(Pin pin) throws IOException;

  /**
   * Removes a pin.
   *
   * @param id the pin's id
   * @return whether there was one
   * @throws IOException when the store fails
   */
  boolean deletePin(String id) throws IOException;

  /**
   * Every pin.
   *
   * @return the pins, sorted by id
   * @throws IOException when the store fails
   */
  List<Pin> pins() throws IOException;

  /**
   * Marks or clears "a collection is deleting blobs": set before the first blob goes and cleared
   * once the links to them are gone, so that an interrupted sweep is finished at the next start.
   *
   * @param marked whether a sweep is under way
   * @throws IOException when the store fails
   */
  void markSweep(boolean marked) throws IOException;

  /**
   * Whether {@link #markSweep} left the mark set.
   *
   * @return whether a sweep was under way and did not finish
   * @throws IOException when the store fails
   */
  boolean sweepMarked() throws IOException;

  /**
   * Records a new upload.
   *
   * @param id the upload's id
   * @param repository the repository it is opened in
   * @param state the content store's state of the empty upload
   * @throws IOException when the store fails
   */
  void createUpload(String id, RepositoryName repository, byte[] state) throws IOException;

  /**
   * An upload in progress.
   *
   * @param id the upload's id
   * @return its record, or empty when there is no such upload (completed, cancelled, expired)
   * @throws IOException when the store fails
   */
  Optional<UploadRecord> upload(String id) throws IOException;

  /**
   * Records the content store's state after an append; the upload's last activity is now.
   *
   * @param id the upload's id
   * @param state the new state
   * @throws IOException when the store fails
   */
  void updateUpload(String id, byte[] state) throws IOException;

  /**
   * Removes an upload's record (on the filesystem, with what is left of its data).
   *
   * @param id the upload's id
   * @throws IOException when the store fails
   */
  void deleteUpload(String id) throws IOException;

  /**
   * The uploads in progress.
   *
   * @return their ids, in no particular order
   * @throws IOException when the store fails
   */
  List<String> uploads() throws IOException;
}
