package dev.ociregistry.core.layout;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.ObjectInfo;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the store holds and who holds it, kept current as content changes: counted once when the
 * registry opens, then moved by every publish, link and delete, so that reading it never scans
 * storage.
 *
 * <p>For each stored blob (manifests are blobs too) it keeps the size and the repositories that
 * link it, so that it can say, per repository, how many bytes it references and how many only it
 * references (what deleting it would leave to the collector), and how many bytes no repository
 * links at all. A usage pass holds the lock changes take, for a few tens of milliseconds at 100k
 * blobs. Manifests count manifest links, once per repository that holds the manifest; repositories
 * count what the catalog lists. Blob changes are reported under the digest's lock, so a publish and
 * a delete of the same digest are counted in the order they happened. About 100 bytes a blob.
 */
public final class StorageStatistics {
  private static final RepositoryName[] NOBODY = new RepositoryName[0];

  /** The totals of a store at one instant. */
  public record Totals(long blobs, long blobBytes, long manifests, long repositories) {}

  /**
   * Where the bytes are, for one repository.
   *
   * @param referencedBytes the blobs and manifests it links, each once
   * @param exclusiveBytes those no other repository links: what deleting the repository leaves to
   *     the collector
   */
  public record RepositoryUsage(
      RepositoryName repository, long blobs, long referencedBytes, long exclusiveBytes) {}

  /**
   * Where the bytes are, for the whole store.
   *
   * @param unlinkedBlobs blobs no repository links (uploaded and never linked, or left when every
   *     link went): the collector frees them once they are older than its grace period
   * @param repositories every repository, in name order
   */
  public record Usage(
      Totals totals, long unlinkedBlobs, long unlinkedBytes, List<RepositoryUsage> repositories) {}

  /**
   * One digest: its size when stored (-1 when only links name it), and who links it, kept as
   * nobody, one name, or an array of names, as most blobs are linked by one repository.
   */
  private static final class Entry {
    long size = -1;
    private Object holders;

    List<RepositoryName> holders() {
      if (holders == null) {
        return List.of();
      }
      return holders instanceof RepositoryName one
          ? List.of(one)
          : List.of((RepositoryName[]) holders);
    }

    boolean isLinked() {
      return holders != null;
    }

    void add(RepositoryName repository) {
      List<RepositoryName> more = new ArrayList<>(holders());
      more.add(repository);
      set(more);
    }

    boolean remove(RepositoryName repository) {
      List<RepositoryName> fewer = new ArrayList<>(holders());
      if (!fewer.remove(repository)) {
        return false;
      }
      set(fewer);
      return true;
    }

    private void set(List<RepositoryName> names) {
      holders = names.isEmpty() ? null : names.size() == 1 ? names.get(0) : names.toArray(NOBODY);
    }
  }

  private final Map<DigestKey, Entry> entries = new HashMap<>();
  private final Set<RepositoryName> repositories = new HashSet<>();
  private long blobs;
  private long blobBytes;
  private long manifests;

  private StorageStatistics() {}

  /** Nothing counted yet: for what the registry builds before it {@link #recount}s. */
  public static StorageStatistics empty() {
    return new StorageStatistics();
  }

  /**
   * Counts what {@code storage} holds now, replacing every figure; the registry does it once, when
   * it opens, before it serves.
   */
  public void recount(StorageDriver storage, Catalog catalog) throws IOException {
    StorageStatistics counted = new StorageStatistics();
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      for (Digest digest : digests(storage, LayoutKeys.blobDirectory(algorithm.id()), algorithm)) {
        Optional<ObjectInfo> info = storage.stat(LayoutKeys.blob(digest));
        if (info.isPresent()) {
          counted.blobAdded(digest, info.get().size());
        }
      }
    }
    for (RepositoryName repository : catalog.list()) {
      counted.repositorySeen(repository);
      for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
        String blobLinks = LayoutKeys.blobLinks(repository, algorithm.id());
        for (Digest digest : digests(storage, blobLinks, algorithm)) {
          counted.linked(repository, digest, false);
        }
        String manifestLinks = LayoutKeys.manifestLinks(repository, algorithm.id());
        for (Digest digest : digests(storage, manifestLinks, algorithm)) {
          counted.linked(repository, digest, true);
        }
      }
    }
    synchronized (this) {
      entries.clear();
      entries.putAll(counted.entries);
      repositories.clear();
      repositories.addAll(counted.repositories);
      blobs = counted.blobs;
      blobBytes = counted.blobBytes;
      manifests = counted.manifests;
    }
  }

  private static List<Digest> digests(
      StorageDriver storage, String prefix, DigestAlgorithm algorithm) throws IOException {
    try (Stream<String> names = storage.list(prefix)) {
      return names
          .map(name -> algorithm.id() + ":" + name)
          .filter(Digest::isValid)
          .map(Digest::parse)
          .toList();
    }
  }

  public synchronized Totals totals() {
    return new Totals(blobs, blobBytes, manifests, repositories.size());
  }

  /** Where the bytes are now, per repository; in memory, a pass over every stored digest. */
  public synchronized Usage usage() {
    Map<RepositoryName, long[]> byRepository = new TreeMap<>();
    repositories.forEach(repository -> byRepository.put(repository, new long[3]));
    long unlinkedBlobs = 0;
    long unlinkedBytes = 0;
    for (Entry entry : entries.values()) {
      if (entry.size < 0) {
        continue;
      }
      Set<RepositoryName> holders = new LinkedHashSet<>(entry.holders());
      if (holders.isEmpty()) {
        unlinkedBlobs++;
        unlinkedBytes += entry.size;
      }
      for (RepositoryName holder : holders) {
        long[] figures = byRepository.computeIfAbsent(holder, name -> new long[3]);
        figures[0]++;
        figures[1] += entry.size;
        if (holders.size() == 1) {
          figures[2] += entry.size;
        }
      }
    }
    List<RepositoryUsage> usage = new ArrayList<>();
    byRepository.forEach(
        (name, figures) ->
            usage.add(new RepositoryUsage(name, figures[0], figures[1], figures[2])));
    return new Usage(totals(), unlinkedBlobs, unlinkedBytes, usage);
  }

  synchronized void blobAdded(Digest digest, long size) {
    Entry entry = entries.computeIfAbsent(DigestKey.of(digest), key -> new Entry());
    if (entry.size < 0) {
      blobs++;
      blobBytes += size;
    }
    entry.size = size;
  }

  /** Blob {@code digest} is no longer stored (collected, or quarantined by the scrub). */
  public synchronized void blobRemoved(Digest digest) {
    DigestKey key = DigestKey.of(digest);
    Entry entry = entries.get(key);
    if (entry == null || entry.size < 0) {
      return;
    }
    blobs--;
    blobBytes -= entry.size;
    entry.size = -1;
    if (!entry.isLinked()) {
      entries.remove(key);
    }
  }

  /**
   * {@code repository} has a new link to {@code digest}: a blob link, or with {@code manifest} a
   * manifest link.
   */
  public synchronized void linked(RepositoryName repository, Digest digest, boolean manifest) {
    repositories.add(repository);
    entries.computeIfAbsent(DigestKey.of(digest), key -> new Entry()).add(repository);
    if (manifest) {
      manifests++;
    }
  }

  /** A link that {@link #linked} counted was deleted. */
  public synchronized void unlinked(RepositoryName repository, Digest digest, boolean manifest) {
    DigestKey key = DigestKey.of(digest);
    Entry entry = entries.get(key);
    if (entry == null) {
      return;
    }
    if (!entry.remove(repository)) {
      return;
    }
    if (manifest) {
      manifests--;
    }
    if (entry.size < 0 && !entry.isLinked()) {
      entries.remove(key);
    }
  }

  /** Something was written into {@code repository}, which is in the catalog from now on. */
  synchronized void repositorySeen(RepositoryName repository) {
    repositories.add(repository);
  }

  /**
   * A digest by its algorithm and first 128 bits, in 32 bytes rather than as text: the index holds
   * one per stored blob, and two digests of one algorithm that share 128 bits do not happen.
   */
  private record DigestKey(int algorithm, long high, long low) {
    static DigestKey of(Digest digest) {
      String hex = digest.hex();
      return new DigestKey(
          digest.algorithm().ordinal(),
          Long.parseUnsignedLong(hex, 0, 16, 16),
          Long.parseUnsignedLong(hex, 16, 32, 16));
    }
  }
}
