package dev.ociregistry.core.layout;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.metadata.BlobRecord;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.model.RepositoryName;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * a delete of the same digest are counted in the order they happened. About 100 bytes a blob. Safe
 * for concurrent use.
 */
public final class StorageStatistics {
  private static final RepositoryName[] NOBODY = new RepositoryName[0];

  /**
   * The totals of a store at one instant.
   *
   * @param blobs the blobs stored under {@code blobs/}, manifests included
   * @param blobBytes their sizes added up, in bytes
   * @param manifests manifest links: a manifest counts once per repository that holds it
   * @param repositories the repositories known: those the catalog listed at the count and any that
   *     gained a link since
   */
  public record Totals(long blobs, long blobBytes, long manifests, long repositories) {}

  /**
   * Where the bytes are, for one repository.
   *
   * @param repository the repository
   * @param blobs the stored blobs and manifests it links, each once
   * @param referencedBytes the blobs and manifests it links, each once
   * @param exclusiveBytes those no other repository links: what deleting the repository leaves to
   *     the collector
   */
  public record RepositoryUsage(
      RepositoryName repository, long blobs, long referencedBytes, long exclusiveBytes) {}

  /**
   * Where the bytes are, for the whole store.
   *
   * @param totals the totals at the same instant
   * @param unlinkedBlobs blobs no repository links (uploaded and never linked, or left when every
   *     link went): the collector frees them once they are older than its grace period
   * @param unlinkedBytes the sizes of the unlinked blobs added up, in bytes
   * @param repositories every repository, in name order
   */
  public record Usage(
      Totals totals, long unlinkedBlobs, long unlinkedBytes, List<RepositoryUsage> repositories) {}

  /**
   * One digest: its size when stored (-1 when only links name it), and who links it as a blob and
   * as a manifest, each kept as nobody, one name, or an array of names, as most blobs are linked by
   * one repository.
   */
  private static final class Entry {
    long size = -1;
    private Object blobHolders;
    private Object manifestHolders;

    List<RepositoryName> holders() {
      List<RepositoryName> all = new ArrayList<>(names(blobHolders));
      all.addAll(names(manifestHolders));
      return all;
    }

    boolean isLinked() {
      return blobHolders != null || manifestHolders != null;
    }

    /** Adds the link unless it is there already; whether it was added. */
    boolean add(RepositoryName repository, boolean manifest) {
      List<RepositoryName> names = names(manifest ? manifestHolders : blobHolders);
      if (names.contains(repository)) {
        return false;
      }
      List<RepositoryName> more = new ArrayList<>(names);
      more.add(repository);
      set(manifest, more);
      return true;
    }

    /** Removes the link if it is there; whether it was. */
    boolean remove(RepositoryName repository, boolean manifest) {
      List<RepositoryName> fewer = new ArrayList<>(names(manifest ? manifestHolders : blobHolders));
      if (!fewer.remove(repository)) {
        return false;
      }
      set(manifest, fewer);
      return true;
    }

    private void set(boolean manifest, List<RepositoryName> names) {
      Object kept =
          names.isEmpty() ? null : names.size() == 1 ? names.get(0) : names.toArray(NOBODY);
      if (manifest) {
        manifestHolders = kept;
      } else {
        blobHolders = kept;
      }
    }

    private static List<RepositoryName> names(Object holders) {
      if (holders == null) {
        return List.of();
      }
      return holders instanceof RepositoryName one
          ? List.of(one)
          : List.of((RepositoryName[]) holders);
    }
  }

  /**
   * Metadata that counts the store itself, for every process that shares it: figures read from it
   * include what another process wrote a moment ago, where figures kept in one process's memory
   * would see only that process's changes. A registry opened on such metadata reads its figures
   * through it ({@link #readThrough}) and keeps none in memory.
   */
  public interface Source {
    /**
     * The totals now.
     *
     * @return the totals
     * @throws IOException when the store fails
     */
    Totals totals() throws IOException;

    /**
     * Where the bytes are now, per repository, counted as {@link StorageStatistics#usage} counts.
     *
     * @return the usage
     * @throws IOException when the store fails
     */
    Usage usage() throws IOException;
  }

  /** One change to the store, as reported; applying it twice leaves what applying it once does. */
  private interface Change {
    void applyTo(StorageStatistics statistics);
  }

  private final Map<DigestKey, Entry> entries = new HashMap<>();
  private final Set<RepositoryName> repositories = new HashSet<>();
  private long blobs;
  private long blobBytes;
  private long manifests;

  /** The changes reported while a count runs, to apply on top of what it found; else null. */
  private List<Change> duringCount;

  private boolean counted;

  /** Where figures are read when the store counts itself; null when they are kept here. */
  private final Source source;

  private StorageStatistics() {
    this.source = null;
  }

  private StorageStatistics(Source source) {
    this.source = source;
    this.counted = true;
  }

  /**
   * {@return an empty store's figures}, moved by what is reported from now on, for a store created
   * empty
   */
  public static StorageStatistics empty() {
    StorageStatistics statistics = new StorageStatistics();
    statistics.counted = true;
    return statistics;
  }

  /**
   * Figures read through {@code source} at each call, never kept: for metadata several processes
   * share. Reported changes and recounts do nothing.
   *
   * @param source the metadata that counts the store
   * @return figures as current as the source
   */
  public static StorageStatistics readThrough(Source source) {
    return new StorageStatistics(source);
  }

  /**
   * Figures nobody may read before the first {@link #recount} ends: what the registry builds before
   * it counts in the background.
   *
   * @return figures whose readers wait for the first count
   */
  public static StorageStatistics toBeCounted() {
    return new StorageStatistics();
  }

  /**
   * Counts what {@code metadata} records, replacing every figure, while the store changes: the
   * registry does it once, when it opens, in the background. Changes reported meanwhile are kept
   * and applied on top of what the count found; as each one sets a state (stored with a size, gone,
   * linked, unlinked) rather than adding to one, the last change of each blob and link wins,
   * whether the count saw it before or after. Readers wait until the first count is done; during a
   * later one they read the figures from before it.
   *
   * @param metadata the metadata to count: every blob, every repository's links
   * @throws IOException when the store fails; what was found so far replaces the figures all the
   *     same and readers stop waiting
   */
  public void recount(RegistryMetadata metadata) throws IOException {
    if (source != null) {
      return;
    }
    synchronized (this) {
      duringCount = new ArrayList<>();
    }
    StorageStatistics found = new StorageStatistics();
    try {
      List<Digest> blobs;
      try (Stream<Digest> stored = metadata.blobs()) {
        blobs = stored.toList();
      }
      for (Digest digest : blobs) {
        Optional<BlobRecord> record = metadata.blob(digest);
        if (record.isPresent()) {
          found.store(DigestKey.of(digest), record.get().size());
        }
      }
      for (RepositoryName repository : metadata.repositories()) {
        found.repositories.add(repository);
        for (Digest digest : metadata.blobLinks(repository)) {
          found.link(repository, DigestKey.of(digest), false);
        }
        for (Digest digest : metadata.manifestLinks(repository)) {
          found.link(repository, DigestKey.of(digest), true);
        }
      }
    } finally {
      synchronized (this) {
        duringCount.forEach(change -> change.applyTo(found));
        duringCount = null;
        entries.clear();
        entries.putAll(found.entries);
        repositories.clear();
        repositories.addAll(found.repositories);
        blobs = found.blobs;
        blobBytes = found.blobBytes;
        manifests = found.manifests;
        counted = true;
        notifyAll();
      }
    }
  }

  /**
   * Applies {@code change}; while a count runs, keeps it for the count's end instead, as what it
   * found replaces these figures then.
   */
  private synchronized void report(Change change) {
    if (source != null) {
      return;
    }
    if (duringCount != null) {
      duringCount.add(change);
    } else {
      change.applyTo(this);
    }
  }

  /** Waits for the first count; interrupted, answers what is known so far. */
  private void awaitCount() {
    while (!counted) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * {@return the totals now}, without scanning storage; waits for the first count if it is still
   * running (an interrupted wait answers what is known so far). Read through, asks the source.
   *
   * @throws UncheckedIOException when the source fails
   */
  public Totals totals() {
    if (source != null) {
      try {
        return source.totals();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return countedTotals();
  }

  private synchronized Totals countedTotals() {
    awaitCount();
    return new Totals(blobs, blobBytes, manifests, repositories.size());
  }

  /**
   * {@return where the bytes are now, per repository}; in memory, a pass over every stored digest
   * that holds off changes meanwhile. Waits for the first count as {@link #totals} does. Read
   * through, asks the source.
   *
   * @throws UncheckedIOException when the source fails
   */
  public Usage usage() {
    if (source != null) {
      try {
        return source.usage();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return countedUsage();
  }

  private synchronized Usage countedUsage() {
    awaitCount();
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
    return new Usage(countedTotals(), unlinkedBlobs, unlinkedBytes, usage);
  }

  void blobAdded(Digest digest, long size) {
    report(statistics -> statistics.store(DigestKey.of(digest), size));
  }

  /**
   * Reports that blob {@code digest} is no longer stored (collected, or quarantined by the scrub).
   *
   * @param digest the blob's digest; one that is not counted is ignored
   */
  public void blobRemoved(Digest digest) {
    report(statistics -> statistics.forget(DigestKey.of(digest)));
  }

  /**
   * Reports that {@code repository} has a new link to {@code digest}: a blob link, or with {@code
   * manifest} a manifest link. Reporting a link twice counts it once.
   *
   * @param repository the repository that links it
   * @param digest the linked blob or manifest
   * @param manifest whether it is a manifest link
   */
  public void linked(RepositoryName repository, Digest digest, boolean manifest) {
    report(statistics -> statistics.link(repository, DigestKey.of(digest), manifest));
  }

  /**
   * Reports that a link that {@link #linked} counted was deleted; one not counted is ignored.
   *
   * @param repository the repository that linked it
   * @param digest the blob or manifest
   * @param manifest whether it was a manifest link
   */
  public void unlinked(RepositoryName repository, Digest digest, boolean manifest) {
    report(statistics -> statistics.unlink(repository, DigestKey.of(digest), manifest));
  }

  private void store(DigestKey key, long size) {
    Entry entry = entries.computeIfAbsent(key, any -> new Entry());
    if (entry.size < 0) {
      blobs++;
    } else {
      blobBytes -= entry.size;
    }
    blobBytes += size;
    entry.size = size;
  }

  private void forget(DigestKey key) {
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

  private void link(RepositoryName repository, DigestKey key, boolean manifest) {
    repositories.add(repository);
    if (entries.computeIfAbsent(key, any -> new Entry()).add(repository, manifest) && manifest) {
      manifests++;
    }
  }

  private void unlink(RepositoryName repository, DigestKey key, boolean manifest) {
    Entry entry = entries.get(key);
    if (entry == null || !entry.remove(repository, manifest)) {
      return;
    }
    if (manifest) {
      manifests--;
    }
    if (entry.size < 0 && !entry.isLinked()) {
      entries.remove(key);
    }
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
