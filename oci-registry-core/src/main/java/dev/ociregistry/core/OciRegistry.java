package dev.ociregistry.core;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.filesystem.FileSystemBlobContent;
import dev.ociregistry.core.filesystem.FileSystemMetadata;
import dev.ociregistry.core.gc.GarbageCollector;
import dev.ociregistry.core.gc.Pins;
import dev.ociregistry.core.integrity.Scrubber;
import dev.ociregistry.core.internal.LayoutIndex;
import dev.ociregistry.core.internal.LinkedManifests;
import dev.ociregistry.core.internal.recovery.DanglingLinks;
import dev.ociregistry.core.internal.recovery.LayoutRecovery;
import dev.ociregistry.core.layout.BlobStore;
import dev.ociregistry.core.layout.Catalog;
import dev.ociregistry.core.layout.StorageStatistics;
import dev.ociregistry.core.layout.TagStore;
import dev.ociregistry.core.manifest.ManifestStore;
import dev.ociregistry.core.metadata.Coordination;
import dev.ociregistry.core.metadata.InProcessCoordination;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.retention.Retention;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.core.storage.StorageDriver;
import dev.ociregistry.core.upload.UploadManager;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * An OCI registry on a storage root that is at the same time a valid OCI Image Layout.
 *
 * <pre>{@code
 * try (OciRegistry registry = OciRegistry.open(Path.of("/var/lib/registry"), RegistryOptions.defaults())) {
 *   registry.manifests().get(RepositoryName.parse("os-images/ubuntu"), Reference.parse("22.04"));
 * }
 * }</pre>
 *
 * <p>Opening recovers the root (see {@link LayoutRecovery}) and takes an exclusive lock on it, so
 * two processes never share one root. Every component is thread-safe.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md">OCI
 *     distribution-spec</a>
 * @see <a href="https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md">OCI image
 *     layout</a>
 */
public final class OciRegistry implements Closeable {
  private static final int LOCK_STRIPES = 1024;
  private static final String ROOT_LOCK = ".lock";
  private static final Set<Path> OPEN_ROOTS = ConcurrentHashMap.newKeySet();
  private static final System.Logger LOG = System.getLogger(OciRegistry.class.getName());

  private final RegistryOptions options;
  private final BlobStore blobs;
  private final TagStore tags;
  private final Catalog catalog;
  private final ManifestStore manifests;
  private final UploadManager uploads;
  private final Pins pins;
  private final GarbageCollector garbageCollector;
  private final Retention retention;
  private final Closeable rootLock;
  private final List<String> recoveryProblems;
  private final StorageStatistics statistics;
  private final Scrubber scrubber;
  private final Thread background;
  private final CountDownLatch indexRebuilt = new CountDownLatch(1);
  private final Object maintenanceLock = new Object();
  private Maintenance maintenance;
  private boolean closed;

  /**
   * The OCI Image Layout behind a registry on the filesystem: what opening it repairs and the
   * {@code index.json} it keeps.
   */
  private record Layout(StorageDriver storage, LayoutIndex index, FileSystemMetadata metadata) {
    static Layout of(StorageDriver storage) {
      LayoutIndex index = new LayoutIndex(storage);
      return new Layout(storage, index, new FileSystemMetadata(storage, index));
    }
  }

  private OciRegistry(Layout layout, RegistryOptions options, Closeable rootLock)
      throws IOException {
    this(
        layout.metadata(),
        new FileSystemBlobContent(layout.storage()),
        new InProcessCoordination(LOCK_STRIPES),
        Optional.of(layout),
        options,
        rootLock);
  }

  private OciRegistry(
      RegistryMetadata metadata,
      BlobContent content,
      Coordination coordination,
      Optional<Layout> layout,
      RegistryOptions options,
      Closeable rootLock)
      throws IOException {
    this.options = options;
    this.rootLock = rootLock;
    this.catalog = new Catalog(metadata);
    this.tags = new TagStore(metadata);
    // Metadata shared by several processes counts the store itself: figures kept in this
    // process's memory would miss what the others write.
    this.statistics =
        metadata instanceof StorageStatistics.Source source
            ? StorageStatistics.readThrough(source)
            : StorageStatistics.toBeCounted();
    DanglingLinks danglingLinks = new DanglingLinks(metadata, coordination, statistics);
    Optional<LayoutRecovery> recovery =
        layout.map(
            on -> new LayoutRecovery(on.storage(), catalog, tags, on.index(), danglingLinks));
    this.recoveryProblems = new CopyOnWriteArrayList<>();
    if (recovery.isPresent()) {
      recoveryProblems.addAll(recovery.get().recover());
    } else {
      finishAnInterruptedSweep(coordination, danglingLinks);
    }
    this.background = startBackgroundOpen(recovery, metadata);
    LinkedManifests linked = new LinkedManifests(metadata, content, options.maxManifestBytes());
    this.pins = new Pins(metadata, linked, coordination);
    this.blobs = new BlobStore(metadata, content, coordination, pins, statistics);
    this.manifests =
        new ManifestStore(
            metadata,
            blobs,
            tags,
            linked,
            coordination,
            options.maxManifestBytes(),
            pins,
            statistics);
    this.uploads =
        new UploadManager(
            metadata,
            coordination,
            content,
            blobs,
            options.uploadTimeout(),
            options.maxOpenUploads(),
            options.maxOpenUploadsPerRepository());
    this.garbageCollector =
        new GarbageCollector(
            metadata,
            content,
            catalog,
            manifests,
            tags,
            pins,
            coordination,
            danglingLinks,
            statistics,
            options.uploadTimeout());
    this.scrubber = new Scrubber(metadata, content, coordination, statistics);
    this.retention = new Retention(metadata, catalog, tags, manifests, pins, Clock.systemUTC());
    if (layout.isPresent()) {
      layout.get().metadata().removeIncompleteUploads();
    }
    uploads.recover();
  }

  /**
   * Finishes the link clean-up of a collection that a crash interrupted, unless a collection runs
   * now (on another replica), whose mark it is.
   */
  private void finishAnInterruptedSweep(Coordination coordination, DanglingLinks danglingLinks)
      throws IOException {
    Optional<Coordination.Held> lease = coordination.tryCollectorLease(Duration.ZERO);
    if (lease.isEmpty()) {
      return;
    }
    try (Coordination.Held collecting = lease.get()) {
      if (danglingLinks.finishAnInterruptedSweep() > 0) {
        recoveryProblems.add("removed links to blobs an interrupted collection deleted");
      }
    }
  }

  /**
   * What opening does off the path to serving, as it reads the whole store (at 100k blobs and 10k
   * tags, longer than the rest of opening): the index rebuild from every tag, which tag changes
   * wait for, then the count of every blob and link for the statistics, which their readers wait
   * for. Requests are served meanwhile.
   */
  private Thread startBackgroundOpen(Optional<LayoutRecovery> recovery, RegistryMetadata metadata) {
    Thread thread =
        new Thread(
            () -> {
              try {
                if (recovery.isPresent()) {
                  recoveryProblems.addAll(recovery.get().rebuildIndex());
                }
              } catch (IOException | RuntimeException e) {
                recoveryProblems.add("rebuilding index.json from the tags failed: " + e);
              } finally {
                indexRebuilt.countDown();
              }
              try {
                statistics.recount(metadata);
              } catch (IOException | RuntimeException e) {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "counting the store for its statistics failed; its figures leave out what"
                        + " the count did not reach",
                    e);
              }
            },
            "registry-open");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Opens (creating when needed) the registry stored in directory {@code root}.
   *
   * @param root the storage root, an OCI Image Layout; created with its parents when missing
   * @param options limits and timeouts
   * @return the open registry, which holds an exclusive lock on the root until {@link #close()}
   * @throws IOException also when another process has the root open
   */
  public static OciRegistry open(Path root, RegistryOptions options) throws IOException {
    Files.createDirectories(root);
    Path realRoot = root.toRealPath();
    // On Linux closing any channel on a locked file drops the process's lock, so a second open in
    // this JVM must be refused before it opens a channel of its own.
    if (!OPEN_ROOTS.add(realRoot)) {
      throw new IOException("the registry root is already open in this process: " + root);
    }
    try {
      FileChannel lockChannel =
          FileChannel.open(
              realRoot.resolve(ROOT_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      Closeable release =
          () -> {
            try {
              lockChannel.close();
            } finally {
              OPEN_ROOTS.remove(realRoot);
            }
          };
      try {
        if (lockChannel.tryLock() == null) {
          throw new IOException("another process has the registry root open: " + root);
        }
        return new OciRegistry(Layout.of(new FileSystemStorage(realRoot)), options, release);
      } catch (IOException | RuntimeException e) {
        lockChannel.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      OPEN_ROOTS.remove(realRoot);
      throw e;
    }
  }

  /**
   * Opens a registry on any {@link StorageDriver}; the caller keeps other processes away from it.
   *
   * @param storage where the layout is kept
   * @param options limits and timeouts
   * @return the open registry
   * @throws IOException when recovering the layout fails
   */
  public static OciRegistry open(StorageDriver storage, RegistryOptions options)
      throws IOException {
    return new OciRegistry(Layout.of(storage), options, () -> {});
  }

  /**
   * Opens a registry on any implementations of the two SPIs, such as blob content in object storage
   * and metadata in a database that several replicas share. The implementations recover their own
   * stores; the caller closes them after the registry.
   *
   * @param metadata where tags, links, blob records, pins and upload sessions are kept
   * @param content where the bytes of blobs are kept; its locations are what {@code metadata}
   *     records
   * @param coordination the per-digest locks and notes, shared by every process that shares {@code
   *     metadata}
   * @param options limits and timeouts
   * @return the open registry
   * @throws IOException when finishing an interrupted collection or taking up uploads fails
   */
  public static OciRegistry open(
      RegistryMetadata metadata,
      BlobContent content,
      Coordination coordination,
      RegistryOptions options)
      throws IOException {
    return new OciRegistry(metadata, content, coordination, Optional.empty(), options, () -> {});
  }

  /** {@return the options the registry was opened with} */
  public RegistryOptions options() {
    return options;
  }

  /** {@return the blobs: stat, read, store, mount and delete, per repository} */
  public BlobStore blobs() {
    return blobs;
  }

  /** {@return the resumable uploads in progress: open, append, complete, cancel} */
  public UploadManager uploads() {
    return uploads;
  }

  /** {@return the manifests and their tags and referrers, per repository} */
  public ManifestStore manifests() {
    return manifests;
  }

  /** {@return the tags of each repository} */
  public TagStore tags() {
    return tags;
  }

  /** {@return the repositories the registry holds} */
  public Catalog catalog() {
    return catalog;
  }

  /** {@return the pins: digests the host keeps alive whatever happens to tags} */
  public Pins pins() {
    return pins;
  }

  /** {@return the online garbage collector, with its listeners} */
  public GarbageCollector garbageCollector() {
    return garbageCollector;
  }

  /**
   * {@return what the store holds, kept current: read it as often as needed, it never scans
   * storage}
   */
  public StorageStatistics statistics() {
    return statistics;
  }

  /** {@return the integrity scrub, which re-hashes stored blobs and quarantines damaged ones} */
  public Scrubber scrubber() {
    return scrubber;
  }

  /** {@return retention, which removes the tags a policy does not keep} */
  public Retention retention() {
    return retention;
  }

  /**
   * What opening found damaged in the root and left out or removed (an unreadable tag, links to
   * blobs that are gone), one line each; empty for a sound root. The host application logs them.
   * Waits until the index is rebuilt, which opening leaves to the background: a host that must not
   * wait reads it on a thread of its own.
   *
   * @return one line per problem, in the order found
   */
  public List<String> recoveryProblems() {
    try {
      indexRebuilt.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return List.copyOf(recoveryProblems);
  }

  /**
   * Starts the housekeeping a long-running registry needs (retention, garbage collection, expiry of
   * idle uploads) on a thread of its own, until {@link #close()}: the one line an embedding
   * application writes, {@code registry.startMaintenance(MaintenanceOptions.defaults())}.
   *
   * <p>Runs until {@link Maintenance#close()} or {@link #close()}; once stopped it can be started
   * again, with other options.
   *
   * @param options what runs and how often
   * @return the running maintenance, to stop it before the registry closes if the host wants to
   * @throws IllegalStateException when maintenance already runs, or the registry is closed
   */
  public Maintenance startMaintenance(MaintenanceOptions options) {
    synchronized (maintenanceLock) {
      if (closed || (maintenance != null && maintenance.isRunning())) {
        throw new IllegalStateException(
            "maintenance already runs for this registry, or the registry is closed");
      }
      maintenance = new Maintenance(retention, garbageCollector, uploads, options);
      return maintenance;
    }
  }

  /**
   * Releases the root, after stopping maintenance (waiting for a run in progress); in-flight
   * uploads stay on disk and resume on the next open. Closing again does nothing. Requests still
   * under way must have ended: the stores do not refuse work once the root is released.
   */
  @Override
  public void close() throws IOException {
    Maintenance running;
    synchronized (maintenanceLock) {
      if (closed) {
        return;
      }
      closed = true;
      running = maintenance;
    }
    if (running != null) {
      running.close();
    }
    try {
      background.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    rootLock.close();
  }
}
