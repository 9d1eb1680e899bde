package dev.ociregistry.core.internal;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.json.Json;
import dev.ociregistry.core.model.MediaTypes;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The root's {@code index.json}: one descriptor per tag, named {@code <repository>:<tag>} by the
 * {@code org.opencontainers.image.ref.name} annotation, so that the root is an OCI Image Layout
 * that {@code skopeo} and {@code oras} read directly.
 *
 * <p>It is derived from the {@code _refs}, which stay the truth: tag changes update an in-memory
 * view and rewrite the file atomically. Concurrent changes coalesce into one rewrite; a change is
 * on disk when {@link #put} or {@link #remove} returns.
 *
 * @see <a
 *     href="https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md">image-spec:
 *     image layout</a>
 */
public final class LayoutIndex {
  /** One tag as {@code index.json} describes it. */
  public record Entry(String mediaType, Digest digest, long size) {}

  private final StorageDriver storage;
  private final ConcurrentSkipListMap<String, Entry> entries = new ConcurrentSkipListMap<>();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicLong changes = new AtomicLong();
  private final CountDownLatch loaded = new CountDownLatch(1);
  private long written = -1;

  public LayoutIndex(StorageDriver storage) {
    this.storage = storage;
  }

  /**
   * Replaces the whole view (at start-up, in the background) and rewrites the file when it differs.
   * Tag changes wait until it has run, then apply on top of it in order: a tag read for the view
   * before it changed ends with its change, one read after it with the same state.
   */
  public void load(Map<String, Entry> all) throws IOException {
    try {
      entries.clear();
      entries.putAll(all);
      byte[] wanted = render();
      Optional<byte[]> current = storage.readSmall(LayoutKeys.INDEX, Integer.MAX_VALUE - 16);
      if (current.isEmpty() || !java.util.Arrays.equals(current.get(), wanted)) {
        storage.writeAtomically(LayoutKeys.INDEX, wanted);
      }
      written = changes.get();
    } finally {
      loaded.countDown();
    }
  }

  /** Records that {@code refName} now points at {@code entry}. */
  public void put(String refName, Entry entry) throws IOException {
    awaitLoaded();
    entries.put(refName, entry);
    flush();
  }

  /** Records that {@code refName} is gone. */
  public void remove(String refName) throws IOException {
    awaitLoaded();
    if (entries.remove(refName) != null) {
      flush();
    }
  }

  private void awaitLoaded() throws IOException {
    try {
      loaded.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for the index to load");
    }
  }

  /** The ref name of a tag: {@code <repository>:<tag>}. */
  public static String refName(String repository, String tag) {
    return repository + ":" + tag;
  }

  private void flush() throws IOException {
    long mine = changes.incrementAndGet();
    writeLock.lock();
    try {
      if (written >= mine) {
        return;
      }
      long snapshot = changes.get();
      storage.writeAtomically(LayoutKeys.INDEX, render());
      written = snapshot;
    } finally {
      writeLock.unlock();
    }
  }

  private byte[] render() {
    List<Object> manifests = new ArrayList<>();
    for (Map.Entry<String, Entry> tag : entries.entrySet()) {
      Map<String, Object> descriptor = new LinkedHashMap<>();
      descriptor.put("mediaType", tag.getValue().mediaType());
      descriptor.put("digest", tag.getValue().digest().toString());
      descriptor.put("size", tag.getValue().size());
      descriptor.put("annotations", Map.of(MediaTypes.REF_NAME_ANNOTATION, tag.getKey()));
      manifests.add(descriptor);
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2L);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", manifests);
    return Json.writeBytes(index);
  }
}
