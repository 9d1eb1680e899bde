package dev.ociregistry.core.gc;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.DeletionGuard;
import dev.ociregistry.core.internal.LinkedManifests;
import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.ManifestDocument;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.RepositoryName;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pins: digests the host application keeps alive, whatever happens to tags. Garbage collection and
 * retention treat every pinned digest as a root. Pins are stored under {@code pins/<id>} and
 * survive restarts. Safe for concurrent use.
 */
// Internal types in some signatures: wired by the registry, not called by applications.
@SuppressWarnings("exports")
public final class Pins implements DeletionGuard {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final int MAX_INDEX_DEPTH = 8;

  private final RegistryMetadata metadata;
  private final LinkedManifests manifests;
  private final Coordination coordination;

  /**
   * Wired by the registry as it opens (the parameter types are internal); not for applications,
   * which get the registry's pins.
   *
   * @param metadata where pins are kept
   * @param manifests reads pinned manifests, to find what they reference
   * @param coordination the per-digest locks and notes shared with every writer and the collector
   */
  public Pins(RegistryMetadata metadata, LinkedManifests manifests, Coordination coordination) {
    this.metadata = metadata;
    this.manifests = manifests;
    this.coordination = coordination;
  }

  /**
   * Pins a manifest or blob of {@code repository} under {@code id}, replacing an earlier pin of
   * that id. A pinned index keeps its child manifests, and a pinned manifest its config and layers.
   *
   * <p>Each digest of the pinned content is checked under its lock, the same lock deletes and the
   * collector take: a delete that came first makes the pin fail, one that comes later sees the pin
   * and is refused. A collection under way is told of each digest, as it is of a push.
   *
   * @param id the pin's name, chosen by the host
   * @param repository the repository the digest must be in
   * @param digest the manifest or blob to keep
   * @return the pin
   * @throws IllegalArgumentException when the id is not {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}
   * @throws RegistryException {@link ErrorCode#MANIFEST_UNKNOWN} when the digest, or content it
   *     references, is not in the repository; no pin is kept then (an earlier pin of the id is put
   *     back)
   * @throws IOException when the storage fails
   */
  public Pin pin(String id, RepositoryName repository, Digest digest) throws IOException {
    checkId(id);
    Optional<Pin> previous = get(id);
    try (Coordination.Held lock = coordination.lock(digest)) {
      requirePresent(repository, digest, digest);
      write(new Pin(id, repository, digest));
      coordination.note(digest);
    }
    Pin pin = new Pin(id, repository, digest);
    try {
      for (Digest referenced : referencedBy(repository, digest)) {
        try (Coordination.Held referencedLock = coordination.lock(referenced)) {
          requirePresent(repository, referenced, digest);
          coordination.note(referenced);
        }
      }
    } catch (IOException | RuntimeException e) {
      restore(pin, previous);
      throw e;
    }
    return pin;
  }

  private void requirePresent(RepositoryName repository, Digest digest, Digest pinned)
      throws IOException {
    boolean linked =
        metadata.manifestLink(repository, digest).isPresent()
            || metadata.blobLinked(repository, digest);
    if (!linked || metadata.blob(digest).isEmpty()) {
      throw new RegistryException(
          ErrorCode.MANIFEST_UNKNOWN,
          digest.equals(pinned)
              ? "nothing to pin: " + digest + " is not in repository " + repository
              : "cannot pin " + pinned + ": " + digest + " it references is not in " + repository,
          pinned.toString());
    }
  }

  private void write(Pin pin) throws IOException {
    metadata.putPin(pin);
  }

  /** Puts back what {@code id} held before a pin that failed half way, if it still holds ours. */
  private void restore(Pin failed, Optional<Pin> previous) throws IOException {
    if (!get(failed.id()).equals(Optional.of(failed))) {
      return;
    }
    if (previous.isPresent()) {
      write(previous.get());
    } else {
      metadata.deletePin(failed.id());
    }
  }

  /**
   * Every digest the manifest {@code root} references, through child manifests; none for a blob.
   */
  private Set<Digest> referencedBy(RepositoryName repository, Digest root) throws IOException {
    Set<Digest> found = new LinkedHashSet<>();
    collect(repository, root, found, 0);
    found.remove(root);
    return found;
  }

  private void collect(RepositoryName repository, Digest manifest, Set<Digest> found, int depth)
      throws IOException {
    if (depth > MAX_INDEX_DEPTH) {
      return;
    }
    Optional<ManifestDocument> document;
    try {
      document = manifests.document(repository, manifest);
    } catch (RegistryException e) {
      return;
    }
    if (document.isEmpty()) {
      return;
    }
    for (Descriptor blob : document.get().blobs()) {
      found.add(blob.digest());
    }
    for (Descriptor child : document.get().manifests()) {
      if (found.add(child.digest())) {
        collect(repository, child.digest(), found, depth + 1);
      }
    }
  }

  /**
   * Removes a pin. The pinned content's grace period starts now, so the collector does not take it
   * at once.
   *
   * @param id the pin's name
   * @return whether the pin existed
   * @throws IllegalArgumentException when the id is not a valid pin id
   * @throws IOException when the storage fails
   */
  public boolean unpin(String id) throws IOException {
    checkId(id);
    Optional<Pin> pin = get(id);
    if (pin.isPresent()) {
      // As a tag that moves does: the content's grace period starts before the pin stops keeping
      // it, so the collector never sees it unpinned and old at once.
      metadata.refreshManifestLink(pin.get().repository(), pin.get().digest());
      metadata.refreshBlob(pin.get().digest());
    }
    return metadata.deletePin(id);
  }

  /**
   * Reads a pin.
   *
   * @param id the pin's name
   * @return the pin, or empty when there is none
   * @throws IllegalArgumentException when the id is not a valid pin id
   * @throws IOException when the storage fails or the stored pin is unreadable
   */
  public Optional<Pin> get(String id) throws IOException {
    checkId(id);
    return metadata.pin(id);
  }

  /**
   * Lists every pin.
   *
   * @return the pins, in id order
   * @throws IOException when the storage fails or a stored pin is unreadable
   */
  public List<Pin> list() throws IOException {
    return metadata.pins();
  }

  @Override
  public Optional<String> reasonToKeep(RepositoryName repository, Digest digest)
      throws IOException {
    for (Pin pin : list()) {
      if (!pin.repository().equals(repository)) {
        continue;
      }
      if (pin.digest().equals(digest)) {
        return Optional.of("it is pinned by " + pin.id());
      }
      if (needs(repository, pin.digest(), digest, 0)) {
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
