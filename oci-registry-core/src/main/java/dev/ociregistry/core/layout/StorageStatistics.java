package dev.ociregistry.core.layout;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.ObjectInfo;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What the store holds, in totals kept current as content changes: counted once when the registry
 * opens, then moved by every publish, link and delete, so that reading them never scans storage.
 *
 * <p>Blobs count every file under {@code blobs/} (manifests are blobs too); manifests count
 * manifest links, once per repository that holds the manifest; repositories count what the catalog
 * lists. Blob changes are reported under the digest's lock, so a publish and a collector's delete
 * of the same digest are counted in the order they happened.
 */
public final class StorageStatistics {
  private final AtomicLong blobs = new AtomicLong();
  private final AtomicLong blobBytes = new AtomicLong();
  private final AtomicLong manifests = new AtomicLong();
  private final Set<RepositoryName> repositories = ConcurrentHashMap.newKeySet();

  /** The totals of a store at one instant. */
  public record Totals(long blobs, long blobBytes, long manifests, long repositories) {}

  StorageStatistics() {}

  /** Counts what {@code storage} holds now; the registry is not serving yet. */
  public static StorageStatistics count(StorageDriver storage, Catalog catalog) throws IOException {
    StorageStatistics statistics = new StorageStatistics();
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      List<String> names;
      try (Stream<String> list = storage.list(LayoutKeys.blobDirectory(algorithm.id()))) {
        names = list.toList();
      }
      for (String name : names) {
        String text = algorithm.id() + ":" + name;
        if (Digest.isValid(text)) {
          Optional<ObjectInfo> info = storage.stat(LayoutKeys.blob(Digest.parse(text)));
          info.ifPresent(found -> statistics.blobAdded(found.size()));
        }
      }
    }
    for (RepositoryName repository : catalog.list()) {
      statistics.repositorySeen(repository);
      for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
        try (Stream<String> links =
            storage.list(LayoutKeys.manifestLinks(repository, algorithm.id()))) {
          statistics.manifests.addAndGet(
              links.filter(name -> Digest.isValid(algorithm.id() + ":" + name)).count());
        }
      }
    }
    return statistics;
  }

  public Totals totals() {
    return new Totals(blobs.get(), blobBytes.get(), manifests.get(), repositories.size());
  }

  void blobAdded(long size) {
    blobs.incrementAndGet();
    blobBytes.addAndGet(size);
  }

  /** A blob file of {@code size} bytes was deleted (by the collector). */
  public void blobRemoved(long size) {
    blobs.decrementAndGet();
    blobBytes.addAndGet(-size);
  }

  /** A manifest was linked into {@code repository}, which had no link to it. */
  public void manifestLinked(RepositoryName repository) {
    repositorySeen(repository);
    manifests.incrementAndGet();
  }

  /** A manifest link was deleted. */
  public void manifestUnlinked() {
    manifests.decrementAndGet();
  }

  /** Something was written into {@code repository}, which is in the catalog from now on. */
  void repositorySeen(RepositoryName repository) {
    repositories.add(repository);
  }
}
