package dev.ociregistry.core.layout;

import dev.ociregistry.core.RegistryException;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.json.JsonException;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.storage.ObjectInfo;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Brings a storage root to a consistent state at start: the {@code oci-layout} marker is present,
 * temporaries a crash left are gone, and {@code index.json} matches the {@code _refs}. Uploads in
 * progress are kept.
 */
public final class LayoutRecovery {
  private static final byte[] OCI_LAYOUT_CONTENT =
      "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

  private final StorageDriver storage;
  private final Catalog catalog;
  private final TagStore tags;
  private final LayoutIndex index;

  public LayoutRecovery(StorageDriver storage, Catalog catalog, TagStore tags, LayoutIndex index) {
    this.storage = storage;
    this.catalog = catalog;
    this.tags = tags;
    this.index = index;
  }

  /** Recovers the root; safe to run on a fresh, an intact or a crashed root. */
  public void recover() throws IOException {
    storage.removeTemporaries();
    if (!hasValidLayoutMarker()) {
      storage.writeAtomically(LayoutKeys.OCI_LAYOUT, OCI_LAYOUT_CONTENT);
    }
    index.load(tagsFromRefs());
  }

  private boolean hasValidLayoutMarker() throws IOException {
    Optional<byte[]> marker = storage.readSmall(LayoutKeys.OCI_LAYOUT, 4096);
    if (marker.isEmpty()) {
      return false;
    }
    try {
      return Json.parseObject(marker.get()).optString("imageLayoutVersion").isPresent();
    } catch (JsonException e) {
      return false;
    }
  }

  private Map<String, LayoutIndex.Entry> tagsFromRefs() throws IOException {
    Map<String, LayoutIndex.Entry> entries = new HashMap<>();
    for (RepositoryName repository : catalog.list()) {
      for (Tag tag : tags.list(repository)) {
        Optional<Digest> digest;
        try {
          digest = tags.resolve(repository, tag);
        } catch (RegistryException e) {
          continue;
        }
        if (digest.isEmpty()) {
          continue;
        }
        Optional<byte[]> mediaType =
            storage.readSmall(LayoutKeys.manifestLink(repository, digest.get()), 1024);
        Optional<ObjectInfo> blob = storage.stat(LayoutKeys.blob(digest.get()));
        if (mediaType.isPresent() && blob.isPresent()) {
          entries.put(
              LayoutIndex.refName(repository.value(), tag.value()),
              new LayoutIndex.Entry(
                  new String(mediaType.get(), StandardCharsets.UTF_8),
                  digest.get(),
                  blob.get().size()));
        }
      }
    }
    return entries;
  }
}
