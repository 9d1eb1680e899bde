package dev.ociregistry.core.gc;

import dev.ociregistry.core.ErrorCode;
import dev.ociregistry.core.RegistryException;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.json.JsonException;
import dev.ociregistry.core.json.JsonObject;
import dev.ociregistry.core.layout.DeletionGuard;
import dev.ociregistry.core.layout.LayoutKeys;
import dev.ociregistry.core.manifest.LinkedManifests;
import dev.ociregistry.core.manifest.ManifestDocument;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Pins: digests the host application keeps alive, whatever happens to tags. Garbage collection and
 * retention treat every pinned digest as a root. Pins are stored under {@code pins/<id>} and
 * survive restarts.
 */
public final class Pins implements DeletionGuard {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final int MAX_PIN_BYTES = 4096;
  private static final int MAX_INDEX_DEPTH = 8;

  private final StorageDriver storage;
  private final LinkedManifests manifests;

  public Pins(StorageDriver storage, LinkedManifests manifests) {
    this.storage = storage;
    this.manifests = manifests;
  }

  /**
   * Pins a manifest or blob of {@code repository} under {@code id}, replacing an earlier pin of
   * that id.
   *
   * @throws IllegalArgumentException when the id is not {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}
   * @throws RegistryException {@link ErrorCode#MANIFEST_UNKNOWN} when the digest is neither a
   *     manifest nor a blob of the repository
   */
  public Pin pin(String id, RepositoryName repository, Digest digest) throws IOException {
    checkId(id);
    boolean known =
        storage.stat(LayoutKeys.manifestLink(repository, digest)).isPresent()
            || storage.stat(LayoutKeys.blobLink(repository, digest)).isPresent();
    known &= storage.stat(LayoutKeys.blob(digest)).isPresent();
    if (!known) {
      throw new RegistryException(
          ErrorCode.MANIFEST_UNKNOWN,
          "nothing to pin: " + digest + " is not in repository " + repository,
          digest.toString());
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("repository", repository.value());
    record.put("digest", digest.toString());
    storage.writeAtomically(LayoutKeys.pin(id), Json.writeBytes(record));
    return new Pin(id, repository, digest);
  }

  /** Removes a pin; returns whether it existed. */
  public boolean unpin(String id) throws IOException {
    checkId(id);
    return storage.delete(LayoutKeys.pin(id));
  }

  /** The pin stored under {@code id}, if any. */
  public Optional<Pin> get(String id) throws IOException {
    checkId(id);
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
    } catch (JsonException | RegistryException e) {
      throw new IOException("pin " + id + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** Every pin. */
  public List<Pin> list() throws IOException {
    List<String> ids;
    try (Stream<String> names = storage.list(LayoutKeys.PINS)) {
      ids = names.filter(name -> ID.matcher(name).matches()).sorted().toList();
    }
    List<Pin> pins = new ArrayList<>();
    for (String id : ids) {
      get(id).ifPresent(pins::add);
    }
    return pins;
  }

  /** Keeps a pinned manifest: it may not be deleted until every pin of it is removed. */
  @Override
  public Optional<String> reasonToKeep(RepositoryName repository, Digest digest)
      throws IOException {
    for (Pin pin : list()) {
      if (pin.repository().equals(repository) && pin.digest().equals(digest)) {
        return Optional.of("it is pinned by " + pin.id());
      }
    }
    return Optional.empty();
  }

  /**
   * Keeps a blob a pin needs in its repository: the pinned digest itself, or a config, layer or
   * child manifest's blob of a pinned manifest, so that what a job pulls stays reachable.
   */
  public Optional<String> reasonToKeepBlob(RepositoryName repository, Digest digest)
      throws IOException {
    for (Pin pin : list()) {
      if (pin.repository().equals(repository) && needs(repository, pin.digest(), digest, 0)) {
        return Optional.of("a manifest pinned by " + pin.id() + " needs it");
      }
    }
    return Optional.empty();
  }

  private boolean needs(RepositoryName repository, Digest root, Digest blob, int depth)
      throws IOException {
    if (root.equals(blob)) {
      return true;
    }
    if (depth > MAX_INDEX_DEPTH) {
      return false;
    }
    Optional<ManifestDocument> parsed;
    try {
      parsed = manifests.document(repository, root);
    } catch (RegistryException e) {
      return false;
    }
    if (parsed.isEmpty()) {
      return false;
    }
    ManifestDocument document = parsed.get();
    for (Descriptor referenced : document.blobs()) {
      if (referenced.digest().equals(blob)) {
        return true;
      }
    }
    for (Descriptor child : document.manifests()) {
      if (needs(repository, child.digest(), blob, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  private static void checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("invalid pin id: " + id);
    }
  }
}
