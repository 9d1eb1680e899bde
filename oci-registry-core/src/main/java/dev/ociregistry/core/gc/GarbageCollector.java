package dev.ociregistry.core.gc;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.content.LeftoverNames;
import dev.ociregistry.core.content.LeftoverRepair;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.internal.recovery.DanglingLinks;
import dev.ociregistry.core.layout.Catalog;
import dev.ociregistry.core.layout.StorageStatistics;
import dev.ociregistry.core.layout.TagStore;
import dev.ociregistry.core.manifest.ManifestStore;
import dev.ociregistry.core.metadata.BlobRecord;
import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.ManifestLink;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.ManifestDocument;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Online mark-and-sweep garbage collection: pushes and pulls go on while it runs.
 *
 * <p>Mark: every manifest of every repository is a root, tagged or not, and so is every pin. With
 * {@link GcOptions#deleteUntagged()}, an untagged manifest older than the grace period that is not
 * pinned, not the child of a live index and not a referrer of a live subject is deleted instead.
 * Roots are followed to configs, layers and child manifests.
 *
 * <p>Sweep: a blob that is unreachable and older than the grace period is deleted. Age counts from
 * the last write, mount, HEAD or manifest reference. Each delete holds the digest's lock and
 * re-checks age and recent references first, so a blob a client just checked or referenced stays.
 * Uploads in progress live apart and are never swept. Links to blobs that are gone are removed
 * last. Only one run happens at a time: a request for a run with the same options while one is
 * under way joins it.
 *
 * <p>Safety does not rest on ages. The run starts recording before it lists anything; a push, pin
 * or mount holds the locks of the digests it needs from its check that they exist until it has
 * written its link and noted them. So for every digest a committed push needs, either the mark
 * listed the push's link, or the digest is noted before the sweep can take its lock, or the sweep
 * deleted it first and the push was refused. The argument in full is in {@code
 * docs/design/storage.md}.
 *
 * <p>Safe for concurrent use.
 */
public final class GarbageCollector {
  /** How often a run under way tells its listeners how far it got. */
  public static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

  private static final System.Logger LOG = System.getLogger(GarbageCollector.class.getName());

  /** How long one try for the collector's lease waits before it tries again. */
  private static final Duration LEASE_WAIT = Duration.ofSeconds(1);

  private final RegistryMetadata metadata;
  private final BlobContent content;
  private final Catalog catalog;
  private final ManifestStore manifests;
  private final TagStore tags;
  private final Pins pins;
  private final Coordination coordination;
  private final DanglingLinks danglingLinks;
  private final StorageStatistics statistics;
  private final Duration leftoverAge;
  private final LeftoverNames recorded =
      new LeftoverNames() {
        @Override
        public boolean blob(String location) throws IOException {
          return metadata.recordsLocation(location);
        }

        @Override
        public boolean upload(String id) throws IOException {
          return metadata.upload(id).isPresent();
        }
      };
  private final List<GcListener> listeners = new CopyOnWriteArrayList<>();

  private final Object runMonitor = new Object();
  private CompletableFuture<GcReport> running;
  private GcOptions runningOptions;

  /**
   * Wired by the registry as it opens (the parameter types are internal); not for applications,
   * which get the registry's collector.
   *
   * @param metadata the registry's metadata
   * @param content the registry's blob content
   * @param catalog lists the repositories to mark
   * @param manifests reads and deletes manifests
   * @param tags tells tagged manifests from untagged ones
   * @param pins the pinned digests, which are roots
   * @param coordination the per-digest locks and notes shared with every writer and the collector
   * @param danglingLinks removes links to blobs that are gone
   * @param statistics told of every blob deleted
   * @param leftoverAge how long content stays unnamed, or an upload's pieces untouched, before a
   *     run removes it as a leftover ({@link BlobContent#removeLeftovers})
   */
  @SuppressWarnings("exports")
  public GarbageCollector(
      RegistryMetadata metadata,
      BlobContent content,
      Catalog catalog,
      ManifestStore manifests,
      TagStore tags,
      Pins pins,
      Coordination coordination,
      DanglingLinks danglingLinks,
      StorageStatistics statistics,
      Duration leftoverAge) {
    this.leftoverAge = leftoverAge;
    this.statistics = statistics;
    this.metadata = metadata;
    this.content = content;
    this.catalog = catalog;
    this.manifests = manifests;
    this.tags = tags;
    this.pins = pins;
    this.coordination = coordination;
    this.danglingLinks = danglingLinks;
  }

  /**
   * Runs a collection, or joins the one under way when it has the same options; with other options
   * it waits for that run to end, then runs. Blocks for the whole run, which on a large store can
   * take minutes.
   *
   * @param options the grace period, whether untagged manifests go, and whether this is a dry run
   * @return what the run did
   * @throws IOException when the storage fails; what was deleted so far stays deleted
   */
  public GcReport collect(GcOptions options) throws IOException {
    CompletableFuture<GcReport> mine;
    while (true) {
      CompletableFuture<GcReport> other;
      synchronized (runMonitor) {
        if (running == null) {
          running = new CompletableFuture<>();
          runningOptions = options;
          mine = running;
          break;
        }
        if (runningOptions.equals(options)) {
          return join(running);
        }
        other = running;
      }
      other.handle((report, failure) -> null).join();
    }
    Instant started = Instant.now();
    try (Coordination.Held lease = awaitLease()) {
      started = Instant.now();
      GcReport report = run(options, started);
      mine.complete(report);
      listeners.forEach(listener -> listener.completed(report));
      return report;
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      Duration elapsed = Duration.between(started, Instant.now());
      listeners.forEach(listener -> listener.failed(e, elapsed));
      throw e;
    } finally {
      synchronized (runMonitor) {
        running = null;
        runningOptions = null;
      }
    }
  }

  /**
   * Waits for the collector's lease: another replica's collection runs to its end first, as a
   * second caller here waits for the first.
   */
  private Coordination.Held awaitLease() throws IOException {
    while (true) {
      Optional<Coordination.Held> lease = coordination.tryCollectorLease(LEASE_WAIT);
      if (lease.isPresent()) {
        return lease.get();
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted waiting for another replica's collection");
      }
    }
  }

  /**
   * Tells {@code listener} about every run from now on; there is no way to remove it.
   *
   * @param listener called on the collecting thread
   */
  public void addListener(GcListener listener) {
    listeners.add(listener);
  }

  /** {@return whether a run is under way} */
  public boolean isRunning() {
    synchronized (runMonitor) {
      return running != null;
    }
  }

  private GcReport run(GcOptions options, Instant started) throws IOException {
    Instant cutoff = started.minus(options.gracePeriod());
    // Before anything is listed: whatever a push, pin or mount commits from here on is noted.
    coordination.beginCollection();
    try {
      Set<Digest> reachable = new HashSet<>();
      long manifestsDeleted = 0;
      List<String> refusals = new ArrayList<>();
      KeptCounts kept = new KeptCounts();
      List<String> wouldDelete = new ArrayList<>();
      List<Pin> allPins = pins.list();
      List<RepositoryName> repositories = catalog.list();
      Progress progress = new Progress(started);
      for (RepositoryName repository : repositories) {
        progress.tick("mark", repositories.size());
        Set<Digest> pinned = new HashSet<>();
        for (Pin pin : allPins) {
          if (pin.repository().equals(repository)) {
            pinned.add(pin.digest());
          }
        }
        RepositoryMark mark = new RepositoryMark(repository);
        List<Digest> all = manifests.list(repository);
        // Every manifest that is not deleted stays a root, whatever kept it: one that is neither
        // deleted nor marked would lose its config and layers to the sweep.
        Set<Digest> roots = new HashSet<>(all);
        if (options.deleteUntagged()) {
          Map<Digest, KeepReason> live = mark.liveManifests(new HashSet<>(all), pinned, cutoff);
          live.values().forEach(kept::count);
          for (Digest manifest : all) {
            if (live.containsKey(manifest)) {
              continue;
            }
            Outcome outcome =
                deleteUntaggedManifest(repository, manifest, cutoff, options.dryRun());
            if (outcome.removed()) {
              roots.remove(manifest);
              if (outcome == Outcome.DELETED) {
                manifestsDeleted++;
                if (options.dryRun()) {
                  wouldDelete.add(repository + "@" + manifest);
                }
              }
            } else {
              kept.count(outcome.reason() == null ? KeepReason.YOUNG : KeepReason.REFUSED);
              if (outcome.reason() != null) {
                refusals.add(repository + "@" + manifest + ": " + outcome.reason());
              }
            }
          }
        }
        roots.addAll(pinned);
        for (Digest root : roots) {
          mark.follow(root, reachable);
        }
        LOG.log(
            System.Logger.Level.DEBUG,
            "gc mark {0}: {1} manifests, {2} roots; {3} digests reachable so far",
            repository,
            all.size(),
            roots.size(),
            reachable.size());
      }
      if (!options.dryRun()) {
        danglingLinks.sweepStarting();
      }
      Sweep sweep = sweep(reachable, cutoff, options.dryRun(), new Progress(started));
      LeftoverRepair leftovers = LeftoverRepair.NONE;
      if (!options.dryRun()) {
        danglingLinks.sweepFinished();
        leftovers = removeLeftovers();
      } else {
        sweep.deleted.stream().map(Digest::toString).sorted().forEach(wouldDelete::add);
      }
      return new GcReport(
          sweep.deleted.size(),
          manifestsDeleted,
          sweep.bytesFreed,
          Duration.between(started, Instant.now()),
          options.dryRun(),
          refusals,
          kept.totals(),
          wouldDelete,
          leftovers);
    } finally {
      coordination.endCollection();
    }
  }

  /** Why a manifest was kept as a root when untagged manifests are collected. */
  private enum KeepReason {
    TAGGED("tagged"),
    PINNED("pinned"),
    YOUNG("young"),
    REFERRER("referrer"),
    INDEX_CHILD("index child"),
    REFUSED("refused");

    private final String label;

    KeepReason(String label) {
      this.label = label;
    }
  }

  /** How many manifests each reason kept, in one run. */
  private static final class KeptCounts {
    private final Map<KeepReason, Long> counts = new java.util.EnumMap<>(KeepReason.class);

    void count(KeepReason reason) {
      counts.merge(reason, 1L, Long::sum);
    }

    Map<String, Long> totals() {
      Map<String, Long> totals = new java.util.LinkedHashMap<>();
      for (KeepReason reason : KeepReason.values()) {
        totals.put(reason.label, counts.getOrDefault(reason, 0L));
      }
      return totals;
    }
  }

  /** What became of an untagged manifest the mark did not find live. */
  private record Outcome(boolean removed, String reason) {
    static final Outcome DELETED = new Outcome(true, null);
    static final Outcome GONE = new Outcome(true, null);
    static final Outcome KEPT = new Outcome(false, null);

    static Outcome refused(String reason) {
      return new Outcome(false, reason);
    }
  }

  /**
   * Deletes an untagged manifest unless, under its lock, it turns out young, noted during the run
   * (pushed, tagged, referenced or pinned since the mark) or pinned. A refusal is returned with its
   * reason, never swallowed.
   */
  private Outcome deleteUntaggedManifest(
      RepositoryName repository, Digest manifest, Instant cutoff, boolean dryRun)
      throws IOException {
    try (Coordination.Held lock = coordination.lock(manifest)) {
      Optional<ManifestLink> link = manifests.linkInfo(repository, manifest);
      if (link.isEmpty()) {
        return Outcome.GONE;
      }
      // A tag set since the mark came with a push that noted the manifest under this lock.
      if (link.get().lastReferenced().isAfter(cutoff) || coordination.noted(manifest)) {
        return Outcome.KEPT;
      }
      Optional<String> keep = pins.reasonToKeep(repository, manifest);
      if (keep.isPresent()) {
        return Outcome.refused(keep.get());
      }
      if (!dryRun) {
        manifests.delete(repository, manifest);
        LOG.log(System.Logger.Level.DEBUG, "gc deleted manifest {0}@{1}", repository, manifest);
      }
      return Outcome.DELETED;
    } catch (RegistryException e) {
      return e.code() == ErrorCode.MANIFEST_UNKNOWN
          ? Outcome.GONE
          : Outcome.refused(e.getMessage());
    }
  }

  private record Sweep(Set<Digest> deleted, long bytesFreed) {}

  private Sweep sweep(Set<Digest> reachable, Instant cutoff, boolean dryRun, Progress progress)
      throws IOException {
    Set<Digest> deleted = new HashSet<>();
    long bytesFreed = 0;
    List<Digest> stored;
    try (Stream<Digest> blobs = metadata.blobs()) {
      stored = blobs.toList();
    }
    progress.restart();
    for (Digest digest : stored) {
      progress.tick("sweep", stored.size());
      if (reachable.contains(digest)) {
        continue;
      }
      try (Coordination.Held lock = coordination.lock(digest)) {
        Optional<BlobRecord> record = metadata.blob(digest);
        if (record.isEmpty()
            || record.get().lastReferenced().isAfter(cutoff)
            || coordination.noted(digest)) {
          continue;
        }
        if (dryRun || forget(record.get())) {
          deleted.add(digest);
          bytesFreed += record.get().size();
          if (!dryRun) {
            statistics.blobRemoved(digest);
            LOG.log(
                System.Logger.Level.DEBUG,
                "gc deleted blob {0} ({1} bytes)",
                digest,
                record.get().size());
          }
        }
      }
    }
    return new Sweep(deleted, bytesFreed);
  }

  /**
   * The content store's repair, after the sweep. Its failure fails nothing else: what the sweep did
   * stands, and the next collection repairs what this one could not.
   */
  private LeftoverRepair removeLeftovers() {
    try {
      LeftoverRepair leftovers = content.removeLeftovers(recorded, leftoverAge);
      if (leftovers.removed() > 0) {
        LOG.log(
            System.Logger.Level.DEBUG,
            "gc removed {0} leftovers no record named ({1} bytes)",
            leftovers.removed(),
            leftovers.bytesFreed());
      }
      return leftovers;
    } catch (IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "gc could not remove what a crash left in the content store; the next collection"
              + " tries again",
          e);
      return LeftoverRepair.NONE;
    }
  }

  /** Deletes a blob: its record first, so that nothing names content that is going. */
  private boolean forget(BlobRecord record) throws IOException {
    metadata.forgetBlob(record.digest());
    return content.delete(record.location());
  }

  /** Counts a phase's steps and tells the listeners how far it got, at most once an interval. */
  private final class Progress {
    private final Instant started;
    private long done;
    private long nextReportNanos;

    Progress(Instant started) {
      this.started = started;
      this.nextReportNanos = System.nanoTime() + PROGRESS_INTERVAL.toNanos();
    }

    /** Counts from zero again, for the next list of the phase. */
    void restart() {
      done = 0;
    }

    void tick(String phase, long total) {
      done++;
      long now = System.nanoTime();
      if (now - nextReportNanos < 0) {
        return;
      }
      nextReportNanos = now + PROGRESS_INTERVAL.toNanos();
      Duration elapsed = Duration.between(started, Instant.now());
      long reached = done;
      listeners.forEach(listener -> listener.progress(phase, reached, total, elapsed));
    }
  }

  /** Reachability within one repository, parsing each manifest once. */
  private final class RepositoryMark {
    private final RepositoryName repository;
    private final Map<Digest, Optional<ManifestDocument>> documents = new HashMap<>();
    private final Set<Digest> followed = new HashSet<>();

    RepositoryMark(RepositoryName repository) {
      this.repository = repository;
    }

    Optional<ManifestDocument> document(Digest digest) {
      return documents.computeIfAbsent(
          digest,
          d -> {
            try {
              return manifests.document(repository, d);
            } catch (RegistryException e) {
              return Optional.empty();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }

    /**
     * Tagged, pinned and young manifests, closed over index children and referrers, each with the
     * reason it is live (the first found).
     */
    Map<Digest, KeepReason> liveManifests(Set<Digest> all, Set<Digest> pinned, Instant cutoff)
        throws IOException {
      Map<Digest, KeepReason> live = new HashMap<>();
      for (Tag tag : tags.list(repository)) {
        tags.resolve(repository, tag)
            .ifPresent(digest -> live.putIfAbsent(digest, KeepReason.TAGGED));
      }
      for (Digest digest : pinned) {
        live.putIfAbsent(digest, KeepReason.PINNED);
      }
      Map<Digest, Set<Digest>> referrersBySubject = new HashMap<>();
      for (Digest manifest : all) {
        Optional<ManifestLink> link = manifests.linkInfo(repository, manifest);
        if (link.isPresent() && link.get().lastReferenced().isAfter(cutoff)) {
          live.putIfAbsent(manifest, KeepReason.YOUNG);
        }
        document(manifest)
            .flatMap(ManifestDocument::subject)
            .ifPresent(
                subject ->
                    referrersBySubject
                        .computeIfAbsent(subject.digest(), s -> new HashSet<>())
                        .add(manifest));
      }
      Deque<Digest> pending = new ArrayDeque<>(live.keySet());
      while (!pending.isEmpty()) {
        Digest manifest = pending.pop();
        for (Digest referrer : referrersBySubject.getOrDefault(manifest, Set.of())) {
          if (all.contains(referrer) && live.putIfAbsent(referrer, KeepReason.REFERRER) == null) {
            pending.push(referrer);
          }
        }
        Optional<ManifestDocument> document = document(manifest);
        if (document.isPresent()) {
          for (Descriptor child : document.get().manifests()) {
            if (all.contains(child.digest())
                && live.putIfAbsent(child.digest(), KeepReason.INDEX_CHILD) == null) {
              pending.push(child.digest());
            }
          }
        }
      }
      live.keySet().retainAll(all);
      return live;
    }

    /** Marks a manifest and everything it references as reachable. */
    void follow(Digest root, Set<Digest> reachable) {
      Deque<Digest> pending = new ArrayDeque<>();
      pending.push(root);
      while (!pending.isEmpty()) {
        Digest digest = pending.pop();
        reachable.add(digest);
        if (!followed.add(digest)) {
          continue;
        }
        Optional<ManifestDocument> document = document(digest);
        if (document.isEmpty()) {
          continue;
        }
        document.get().blobs().forEach(blob -> reachable.add(blob.digest()));
        for (Descriptor child : document.get().manifests()) {
          pending.push(child.digest());
        }
      }
    }
  }

  private static GcReport join(CompletableFuture<GcReport> run) throws IOException {
    try {
      return run.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e;
    }
  }
}
