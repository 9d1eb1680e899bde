package dev.ociregistry.core.internal.recovery;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.LayoutIndex;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.json.JsonException;
import dev.ociregistry.core.layout.Catalog;
import dev.ociregistry.core.layout.TagStore;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.core.storage.ObjectInfo;
import dev.ociregistry.core.storage.ObjectTooLargeException;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Brings a storage root to a consistent state at start: the {@code oci-layout} marker is present,
 * temporaries a crash left are gone, links to blobs an interrupted sweep deleted are removed, and
 * {@code index.json} matches the {@code _refs}. Uploads in progress are kept. A damaged ref
 * (unreadable, oversized, or naming a manifest that is not linked) is reported and left out of the
 * index; it never stops the open.
 */
public final class LayoutRecovery {
  private static final byte[] OCI_LAYOUT_CONTENT =
      "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

  private final StorageDriver storage;
  private final Catalog catalog;
  private final TagStore tags;
  private final LayoutIndex index;
  private final DanglingLinks danglingLinks;

  public LayoutRecovery(
      StorageDriver storage,
      Catalog catalog,
      TagStore tags,
      LayoutIndex index,
      DanglingLinks danglingLinks) {
    this.storage = storage;
    this.catalog = catalog;
    this.tags = tags;
    this.index = index;
    this.danglingLinks = danglingLinks;
  }

  /**
   * Recovers the root, all but the index ({@link #rebuildIndex}); safe to run on a fresh, an intact
   * or a crashed root.
   *
   * @return what was found damaged and removed, one line each
   */
  public List<String> recover() throws IOException {
    storage.removeTemporaries();
    if (!hasValidLayoutMarker()) {
      storage.writeAtomically(LayoutKeys.OCI_LAYOUT, OCI_LAYOUT_CONTENT);
    }
    List<String> problems = new ArrayList<>();
    long removed = danglingLinks.finishAnInterruptedSweep();
    if (removed > 0) {
      problems.add("removed " + removed + " links to blobs that are no longer stored");
    }
    return problems;
  }

  /**
   * Rebuilds {@code index.json} from the {@code _refs}; the registry does it after {@link
   * #recover}, in the background, as it reads every tag.
   *
   * @return the tags found damaged and left out, one line each
   */
  public List<String> rebuildIndex() throws IOException {
    List<String> problems = new ArrayList<>();
    index.load(tagsFromRefs(problems));
    return problems;
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

  private Map<String, LayoutIndex.Entry> tagsFromRefs(List<String> problems) throws IOException {
    Map<String, LayoutIndex.Entry> entries = new HashMap<>();
    for (RepositoryName repository : catalog.list()) {
      for (Tag tag : tags.list(repository)) {
        String name = repository + ":" + tag;
        try {
          Optional<LayoutIndex.Entry> entry = entryOf(repository, tag);
          if (entry.isPresent()) {
            entries.put(LayoutIndex.refName(repository.value(), tag.value()), entry.get());
          } else {
            problems.add("tag " + name + " names a manifest that is not stored; left out");
          }
        } catch (RegistryException | ObjectTooLargeException e) {
          problems.add("tag " + name + " is unreadable (" + e.getMessage() + "); left out");
        }
      }
    }
    return entries;
  }

  private Optional<LayoutIndex.Entry> entryOf(RepositoryName repository, Tag tag)
      throws IOException {
    Optional<Digest> digest = tags.resolve(repository, tag);
    if (digest.isEmpty()) {
      return Optional.empty();
    }
    Optional<byte[]> mediaType =
        storage.readSmall(LayoutKeys.manifestLink(repository, digest.get()), 1024);
    Optional<ObjectInfo> blob = storage.stat(LayoutKeys.blob(digest.get()));
    if (mediaType.isEmpty() || blob.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new LayoutIndex.Entry(
            new String(mediaType.get(), StandardCharsets.UTF_8), digest.get(), blob.get().size()));
  }
}
