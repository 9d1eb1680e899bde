package dev.ociregistry.core.filesystem;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.content.BlobNotFoundException;
import dev.ociregistry.core.content.BlobUpload;
import dev.ociregistry.core.content.DigestMismatchException;
import dev.ociregistry.core.content.SizeMismatchException;
import dev.ociregistry.core.content.StagedBlob;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.internal.HashingCopy;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.storage.AppendableObject;
import dev.ociregistry.core.storage.ObjectInfo;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Blob content in an OCI Image Layout: a blob lives at {@code blobs/<alg>/<hex>}, put there by an
 * atomic rename of a complete, fsynced, verified temporary; an upload's data is {@code
 * uploads/<id>/data}, hashed as it is appended. Its upload state is the acknowledged size: another
 * process (or this one after a restart) takes the upload up by cutting the data file back to it and
 * hashing it again once.
 */
public final class FileSystemBlobContent implements BlobContent {
  private final StorageDriver storage;

  /**
   * Content kept through {@code storage}, in the layout's keys.
   *
   * @param storage the layout's storage
   */
  public FileSystemBlobContent(StorageDriver storage) {
    this.storage = storage;
  }

  /**
   * Where blob {@code digest} lives once committed: always the same key, so the root stays an OCI
   * Image Layout.
   *
   * @param digest the blob's digest
   * @return its location
   */
  public static String location(Digest digest) {
    return LayoutKeys.blob(digest);
  }

  @Override
  public Optional<Long> size(String location) throws IOException {
    return storage.stat(location).map(ObjectInfo::size);
  }

  @Override
  public SeekableByteChannel open(String location) throws IOException {
    try {
      return storage.openRead(location);
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(location);
    }
  }

  @Override
  public StagedBlob put(Digest expected, InputStream content, long expectedSize)
      throws IOException {
    String temporary = storage.newTemporaryKey();
    boolean staged = false;
    try {
      MessageDigest hash = expected.algorithm().newMessageDigest();
      long size;
      try (AppendableObject out = storage.openAppend(temporary)) {
        long limit = expectedSize >= 0 ? expectedSize + 1 : Long.MAX_VALUE;
        size = HashingCopy.copy(content, out, hash, limit);
      }
      if (expectedSize >= 0 && size != expectedSize) {
        throw new SizeMismatchException(expectedSize, size);
      }
      Digest actual = Digest.of(expected.algorithm(), hash);
      if (!actual.equals(expected)) {
        throw new DigestMismatchException(expected, actual);
      }
      staged = true;
      return new Staged(temporary, expected, size);
    } finally {
      if (!staged) {
        storage.delete(temporary);
      }
    }
  }

  @Override
  public BlobUpload beginUpload(String id) throws IOException {
    storage.openAppend(LayoutKeys.uploadData(id)).close();
    return FileSystemBlobUpload.fresh(this, id);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The state names how many bytes of the data file were acknowledged: bytes past them (an
   * append a crash or a failing disk cut short, or one streaming in on another replica) are cut off
   * by the next append, which holds the upload's lock; a data file shorter than that lost content
   * and the upload is gone. An empty state (an upload a version before states began) takes the
   * whole file.
   */
  @Override
  public BlobUpload resumeUpload(String id, byte[] state) throws IOException {
    String data = LayoutKeys.uploadData(id);
    Optional<ObjectInfo> stored = storage.stat(data);
    if (stored.isEmpty()) {
      throw new BlobNotFoundException("upload " + id);
    }
    if (state.length == 0) {
      return FileSystemBlobUpload.resumed(this, id, stored.get().size());
    }
    if (state.length != Long.BYTES) {
      throw new IOException("upload " + id + " has a damaged state of " + state.length + " bytes");
    }
    long acknowledged = ByteBuffer.wrap(state).getLong();
    if (acknowledged < 0 || stored.get().size() < acknowledged) {
      throw new BlobNotFoundException("upload " + id + " (its data lost acknowledged bytes)");
    }
    return FileSystemBlobUpload.resumed(this, id, acknowledged);
  }

  @Override
  public boolean delete(String location) throws IOException {
    return storage.delete(location);
  }

  @Override
  public String quarantine(String location, Digest digest) throws IOException {
    String aside = LayoutKeys.quarantined(digest);
    storage.publish(location, aside);
    return aside;
  }

  @Override
  public Stream<String> locations() throws IOException {
    Stream<String> algorithms = storage.list(LayoutKeys.BLOBS);
    return algorithms.flatMap(
        algorithm -> {
          try {
            String directory = LayoutKeys.blobDirectory(algorithm);
            return storage.list(directory).map(hex -> directory + "/" + hex);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  StorageDriver storage() {
    return storage;
  }

  /** Content at a key of its own (a temporary or an upload's data), renamed into place. */
  final class Staged extends StagedBlob {
    private final String source;

    Staged(String source, Digest digest, long size) {
      super(digest, size);
      this.source = source;
    }

    @Override
    public String commit() throws IOException {
      String location = location(digest());
      try {
        storage.publish(source, location);
      } catch (IOException | RuntimeException e) {
        discard();
        throw e;
      }
      return location;
    }

    @Override
    public void discard() {
      try {
        storage.delete(source);
      } catch (IOException | RuntimeException e) {
        // A temporary is removed at the next start; an upload's data when the upload expires.
      }
    }
  }
}
