package dev.ociregistry.core.filesystem;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.LayoutIndex;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.json.JsonObject;
import dev.ociregistry.core.metadata.BlobRecord;
import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.InProcessCoordination;
import dev.ociregistry.core.metadata.ManifestLink;
import dev.ociregistry.core.metadata.MetadataConflictException;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.metadata.UploadRecord;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.storage.ObjectInfo;
import dev.ociregistry.core.storage.ObjectTooLargeException;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Metadata as files of the OCI Image Layout: a tag is {@code _refs/<tag>} holding the digest (and
 * an entry of {@code index.json}, derived), a link is an empty file (a manifest's holds its media
 * type) whose modification time is its last reference, and a blob's record is its content file
 * itself: its size, its location and, as modification time, its last reference.
 *
 * <p>Safe for concurrent use within one process: each tag change holds the tag's lock.
 */
public final class FileSystemMetadata implements RegistryMetadata {
  private static final int MAX_REF_BYTES = 512;
  private static final int MAX_MEDIA_TYPE_BYTES = 1024;
  private static final int TAG_LOCK_STRIPES = 1024;
  private static final int MAX_PIN_BYTES = 4096;
  private static final int MAX_UPLOAD_STATE_BYTES = 64 * 1024;
  private static final String UPLOAD_CONTENT_STATE = "contentState";
  private static final Pattern UPLOAD_ID =
      Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
  private static final Pattern PIN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final byte[] SWEEP_MARKER_CONTENT =
      "a collection is deleting blobs; the links to them go after it\n"
          .getBytes(StandardCharsets.UTF_8);

  private final StorageDriver storage;
  private final LayoutIndex index;

  /** Locks of their own for tags (a push takes a tag's lock holding its digests' locks). */
  private final InProcessCoordination tagLocks = new InProcessCoordination(TAG_LOCK_STRIPES);

  /**
   * Metadata kept through {@code storage}, in the layout's keys.
   *
   * @param storage the layout's storage
   * @param index the layout's {@code index.json}, kept in step with the tags; tag changes wait
   *     until it is loaded, which opening a registry on a root does from the tags
   */
  @SuppressWarnings("exports")
  public FileSystemMetadata(StorageDriver storage, LayoutIndex index) {
    this.storage = storage;
    this.index = index;
  }

  @Override
  public boolean repositoryExists(RepositoryName repository) throws IOException {
    String base = LayoutKeys.repository(repository) + "/";
    return storage.isPrefix(base + LayoutKeys.MANIFESTS)
        || storage.isPrefix(base + LayoutKeys.BLOB_LINKS)
        || storage.isPrefix(base + LayoutKeys.REFS);
  }

  @Override
  public List<RepositoryName> repositories() throws IOException {
    List<String> names = new ArrayList<>();
    walk(LayoutKeys.REPOSITORIES, "", names);
    names.sort(null);
    return names.stream().map(RepositoryName::parse).toList();
  }

  @Override
  public List<RepositoryName> repositoriesUnder(RepositoryName namespace) throws IOException {
    List<String> names = new ArrayList<>();
    walk(LayoutKeys.repository(namespace), namespace.value(), names);
    names.remove(namespace.value());
    names.sort(null);
    return names.stream().map(RepositoryName::parse).toList();
  }

  /** Collects the repositories at and below {@code key}, a directory whose name is {@code name}. */
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

  @Override
  public Optional<Digest> tag(RepositoryName repository, Tag tag) throws IOException {
    Optional<byte[]> content = storage.readSmall(LayoutKeys.tag(repository, tag), MAX_REF_BYTES);
    if (content.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Digest.parse(new String(content.get(), StandardCharsets.US_ASCII).trim()));
  }

  @Override
  public Optional<Instant> tagChanged(RepositoryName repository, Tag tag) throws IOException {
    return storage.stat(LayoutKeys.tag(repository, tag)).map(ObjectInfo::lastModified);
  }

  @Override
  public Optional<Digest> setTag(
      RepositoryName repository, Tag tag, Descriptor manifest, boolean mayMove) throws IOException {
    try (Coordination.Held lock = lockTag(LayoutKeys.tag(repository, tag))) {
      Optional<Digest> previous = tagQuietly(repository, tag);
      boolean moves = previous.isPresent() && !previous.get().equals(manifest.digest());
      if (moves && !mayMove) {
        throw new MetadataConflictException(
            "tag " + tag + " of " + repository + " names " + previous.get());
      }
      if (moves) {
        storage.touch(LayoutKeys.manifestLink(repository, previous.get()));
      }
      storage.writeAtomically(
          LayoutKeys.tag(repository, tag),
          manifest.digest().toString().getBytes(StandardCharsets.US_ASCII));
      index.put(
          LayoutIndex.refName(repository.value(), tag.value()),
          new LayoutIndex.Entry(manifest.mediaType(), manifest.digest(), manifest.size()));
      return previous;
    }
  }

  @Override
  public boolean deleteTag(RepositoryName repository, Tag tag, Optional<Digest> onlyIf)
      throws IOException {
    try (Coordination.Held lock = lockTag(LayoutKeys.tag(repository, tag))) {
      Optional<Digest> previous =
          onlyIf.isPresent() ? tag(repository, tag) : tagQuietly(repository, tag);
      if (onlyIf.isPresent() && !onlyIf.equals(previous)) {
        return false;
      }
      if (previous.isPresent()) {
        storage.touch(LayoutKeys.manifestLink(repository, previous.get()));
      }
      boolean existed = storage.delete(LayoutKeys.tag(repository, tag));
      index.remove(LayoutIndex.refName(repository.value(), tag.value()));
      return existed;
    }
  }

  private Coordination.Held lockTag(String key) {
    return tagLocks.lock(Digest.sha256(key.getBytes(StandardCharsets.UTF_8)));
  }

  private Optional<Digest> tagQuietly(RepositoryName repository, Tag tag) throws IOException {
    try {
      return tag(repository, tag);
    } catch (RuntimeException | ObjectTooLargeException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<Tag> tags(RepositoryName repository) throws IOException {
    try (Stream<String> names = storage.list(LayoutKeys.tags(repository))) {
      return names.filter(Tag::isValid).map(Tag::parse).toList();
    }
  }

  @Override
  public Optional<ManifestLink> manifestLink(RepositoryName repository, Digest digest)
      throws IOException {
    String key = LayoutKeys.manifestLink(repository, digest);
    Optional<ObjectInfo> info = storage.stat(key);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    return storage
        .readSmall(key, MAX_MEDIA_TYPE_BYTES)
        .map(
            bytes ->
                new ManifestLink(
                    digest, new String(bytes, StandardCharsets.UTF_8), info.get().lastModified()));
  }

  @Override
  public boolean linkManifest(RepositoryName repository, Digest digest, String mediaType)
      throws IOException {
    String link = LayoutKeys.manifestLink(repository, digest);
    boolean isNew = storage.stat(link).isEmpty();
    storage.writeAtomically(link, mediaType.getBytes(StandardCharsets.UTF_8));
    return isNew;
  }

  @Override
  public boolean unlinkManifest(RepositoryName repository, Digest digest) throws IOException {
    return storage.delete(LayoutKeys.manifestLink(repository, digest));
  }

  @Override
  public boolean refreshManifestLink(RepositoryName repository, Digest digest) throws IOException {
    return storage.touch(LayoutKeys.manifestLink(repository, digest));
  }

  @Override
  public List<Digest> manifestLinks(RepositoryName repository) throws IOException {
    return digestsUnder(algorithm -> LayoutKeys.manifestLinks(repository, algorithm));
  }

  @Override
  public void linkReferrer(RepositoryName repository, Digest subject, Digest referrer)
      throws IOException {
    storage.writeAtomically(LayoutKeys.referrerLink(repository, subject, referrer), new byte[0]);
  }

  @Override
  public void unlinkReferrer(RepositoryName repository, Digest subject, Digest referrer)
      throws IOException {
    storage.delete(LayoutKeys.referrerLink(repository, subject, referrer));
  }

  @Override
  public List<Digest> referrers(RepositoryName repository, Digest subject) throws IOException {
    List<Digest> referrers = new ArrayList<>();
    try (Stream<String> names = storage.list(LayoutKeys.referrers(repository, subject))) {
      names.forEach(
          name -> {
            String text = name.replaceFirst("-", ":");
            if (Digest.isValid(text)) {
              referrers.add(Digest.parse(text));
            }
          });
    }
    return referrers;
  }

  @Override
  public boolean blobLinked(RepositoryName repository, Digest digest) throws IOException {
    return storage.stat(LayoutKeys.blobLink(repository, digest)).isPresent();
  }

  @Override
  public boolean linkBlob(RepositoryName repository, Digest digest) throws IOException {
    String link = LayoutKeys.blobLink(repository, digest);
    if (storage.stat(link).isPresent()) {
      return false;
    }
    storage.writeAtomically(link, new byte[0]);
    return true;
  }

  @Override
  public boolean unlinkBlob(RepositoryName repository, Digest digest) throws IOException {
    return storage.delete(LayoutKeys.blobLink(repository, digest));
  }

  @Override
  public List<Digest> blobLinks(RepositoryName repository) throws IOException {
    return digestsUnder(algorithm -> LayoutKeys.blobLinks(repository, algorithm));
  }

  @Override
  public Optional<BlobRecord> blob(Digest digest) throws IOException {
    String key = LayoutKeys.blob(digest);
    return storage
        .stat(key)
        .map(info -> new BlobRecord(digest, info.size(), key, info.lastModified()));
  }

  @Override
  public boolean refreshBlob(Digest digest) throws IOException {
    return storage.touch(LayoutKeys.blob(digest));
  }

  @Override
  public void recordBlob(Digest digest, long size, String location) throws IOException {
    // The content file is the record. A rename keeps the data file's time, which an idle upload
    // left old: the blob's age is its publish time, or the collector could take it at once.
    storage.touch(location);
  }

  @Override
  public void forgetBlob(Digest digest) {
    // The content file is the record: deleting the content forgets the blob.
  }

  @Override
  public boolean recordsLocation(String location) throws IOException {
    // The content file is the record: a location is recorded while a blob's file is there.
    int slash = location.lastIndexOf('/');
    if (slash < 0 || !location.startsWith(LayoutKeys.BLOBS + "/")) {
      return false;
    }
    String algorithm = location.substring(LayoutKeys.BLOBS.length() + 1, slash);
    Digest digest;
    try {
      digest = Digest.parse(algorithm + ":" + location.substring(slash + 1));
    } catch (RegistryException e) {
      return false;
    }
    return LayoutKeys.blob(digest).equals(location) && storage.stat(location).isPresent();
  }

  @Override
  public Stream<Digest> blobs() throws IOException {
    List<Stream<Digest>> perAlgorithm = new ArrayList<>();
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      perAlgorithm.add(digestStream(LayoutKeys.blobDirectory(algorithm.id()), algorithm));
    }
    return perAlgorithm.stream()
        .flatMap(Function.identity())
        .onClose(() -> perAlgorithm.forEach(Stream::close));
  }

  private List<Digest> digestsUnder(Function<String, String> directoryOfAlgorithm)
      throws IOException {
    List<Digest> digests = new ArrayList<>();
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      try (Stream<Digest> found =
          digestStream(directoryOfAlgorithm.apply(algorithm.id()), algorithm)) {
        found.forEach(digests::add);
      }
    }
    return digests;
  }

  /** The digests named by the files of {@code directory}; other names are passed over. */
  private Stream<Digest> digestStream(String directory, DigestAlgorithm algorithm)
      throws IOException {
    return storage
        .list(directory)
        .filter(name -> Digest.isValid(algorithm.id() + ":" + name))
        .map(name -> Digest.parse(algorithm.id() + ":" + name));
  }

  @Override
  public Optional<Pin> pin(String id) throws IOException {
    Optional<byte[]> content = storage.readSmall(LayoutKeys.pin(id), MAX_PIN_BYTES);
    if (content.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonObject record = Json.parseObject(content.get());
      return Optional.of(
          new Pin(
              id,
              RepositoryName.parse(record.string("repository")),
              Digest.parse(record.string("digest"))));
    } catch (RuntimeException e) {
      throw new IOException("pin " + id + " is unreadable: " + e.getMessage(), e);
    }
  }

  @Override
  public void putPin(Pin pin) throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("repository", pin.repository().value());
    record.put("digest", pin.digest().toString());
    storage.writeAtomically(LayoutKeys.pin(pin.id()), Json.writeBytes(record));
  }

  @Override
  public boolean deletePin(String id) throws IOException {
    return storage.delete(LayoutKeys.pin(id));
  }

  @Override
  public List<Pin> pins() throws IOException {
    List<String> ids;
    try (Stream<String> names = storage.list(LayoutKeys.PINS)) {
      ids = names.filter(name -> PIN_ID.matcher(name).matches()).sorted().toList();
    }
    List<Pin> pins = new ArrayList<>();
    for (String id : ids) {
      pin(id).ifPresent(pins::add);
    }
    return pins;
  }

  @Override
  public void markSweep(boolean marked) throws IOException {
    if (marked) {
      storage.writeAtomically(LayoutKeys.SWEEP_MARKER, SWEEP_MARKER_CONTENT);
    } else {
      storage.delete(LayoutKeys.SWEEP_MARKER);
    }
  }

  @Override
  public boolean sweepMarked() throws IOException {
    return storage.stat(LayoutKeys.SWEEP_MARKER).isPresent();
  }

  @Override
  public void createUpload(String id, RepositoryName repository, byte[] state) throws IOException {
    writeUploadState(id, repository, Instant.now().toString(), state);
  }

  @Override
  public Optional<UploadRecord> upload(String id) throws IOException {
    if (!UPLOAD_ID.matcher(id).matches()) {
      return Optional.empty();
    }
    Optional<byte[]> content =
        storage.readSmall(LayoutKeys.uploadState(id), MAX_UPLOAD_STATE_BYTES);
    if (content.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonObject record = Json.parseObject(content.get());
      String name = record.string("repository");
      if (!RepositoryName.isValid(name)) {
        return Optional.empty();
      }
      byte[] state =
          record.has(UPLOAD_CONTENT_STATE)
              ? Base64.getDecoder().decode(record.string(UPLOAD_CONTENT_STATE))
              : new byte[0];
      return Optional.of(
          new UploadRecord(id, RepositoryName.parse(name), lastUploadActivity(id), state));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void updateUpload(String id, byte[] state) throws IOException {
    if (!UPLOAD_ID.matcher(id).matches()) {
      return;
    }
    Optional<byte[]> current =
        storage.readSmall(LayoutKeys.uploadState(id), MAX_UPLOAD_STATE_BYTES);
    if (current.isEmpty()) {
      return;
    }
    JsonObject record = Json.parseObject(current.get());
    writeUploadState(
        id, RepositoryName.parse(record.string("repository")), record.string("started"), state);
  }

  @Override
  public void deleteUpload(String id) throws IOException {
    if (UPLOAD_ID.matcher(id).matches()) {
      storage.deleteTree(LayoutKeys.upload(id));
    }
  }

  @Override
  public List<String> uploads() throws IOException {
    List<String> ids = new ArrayList<>();
    try (Stream<String> names = storage.list(LayoutKeys.UPLOADS)) {
      for (String id : names.toList()) {
        if (UPLOAD_ID.matcher(id).matches()
            && storage.stat(LayoutKeys.uploadState(id)).isPresent()) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  /**
   * Removes what a crash can leave under {@code uploads/}: a directory without a state file, or
   * with a name no upload has. The registry calls it as it opens, before any request.
   *
   * @return how many were removed
   * @throws IOException when the storage fails
   */
  public int removeIncompleteUploads() throws IOException {
    List<String> names;
    try (Stream<String> listed = storage.list(LayoutKeys.UPLOADS)) {
      names = listed.toList();
    }
    int removed = 0;
    for (String name : names) {
      if (!UPLOAD_ID.matcher(name).matches()
          || storage.stat(LayoutKeys.uploadState(name)).isEmpty()) {
        storage.deleteTree(LayoutKeys.upload(name));
        removed++;
      }
    }
    return removed;
  }

  private void writeUploadState(String id, RepositoryName repository, String started, byte[] state)
      throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("repository", repository.value());
    record.put("started", started);
    if (state.length > 0) {
      record.put(UPLOAD_CONTENT_STATE, Base64.getEncoder().encodeToString(state));
    }
    storage.writeAtomically(LayoutKeys.uploadState(id), Json.writeBytes(record));
  }

  private Instant lastUploadActivity(String id) throws IOException {
    Instant data =
        storage.stat(LayoutKeys.uploadData(id)).map(ObjectInfo::lastModified).orElse(Instant.EPOCH);
    Instant state =
        storage
            .stat(LayoutKeys.uploadState(id))
            .map(ObjectInfo::lastModified)
            .orElse(Instant.EPOCH);
    return data.isAfter(state) ? data : state;
  }
}
