package dev.ociregistry.core.filesystem;

import dev.ociregistry.core.content.BlobUpload;
import dev.ociregistry.core.content.DigestMismatchException;
import dev.ociregistry.core.content.SizeMismatchException;
import dev.ociregistry.core.content.StagedBlob;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.internal.HashingCopy;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.storage.AppendableObject;
import dev.ociregistry.core.storage.ObjectInfo;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;

/**
 * An upload's data file, hashed with SHA-256 as chunks are appended. Taken up after a restart, it
 * is hashed again once, at its first use.
 */
final class FileSystemBlobUpload implements BlobUpload {
  private final FileSystemBlobContent content;
  private final StorageDriver storage;
  private final String id;
  private final String data;
  private MessageDigest hash;
  private volatile long size;

  private FileSystemBlobUpload(FileSystemBlobContent content, String id, long size) {
    this.content = content;
    this.storage = content.storage();
    this.id = id;
    this.data = LayoutKeys.uploadData(id);
    this.size = size;
  }

  static FileSystemBlobUpload fresh(FileSystemBlobContent content, String id) {
    FileSystemBlobUpload upload = new FileSystemBlobUpload(content, id, 0);
    upload.hash = DigestAlgorithm.SHA256.newMessageDigest();
    return upload;
  }

  static FileSystemBlobUpload resumed(FileSystemBlobContent content, String id, long size) {
    return new FileSystemBlobUpload(content, id, size);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public long size() {
    return size;
  }

  /** The size of the acknowledged content, eight bytes: the data file's truth is its prefix. */
  @Override
  public byte[] state() {
    return ByteBuffer.allocate(Long.BYTES).putLong(size).array();
  }

  @Override
  public long append(InputStream chunk, long length) throws IOException {
    long current = reconcile();
    MessageDigest before = snapshot();
    try (AppendableObject out = storage.openAppend(data)) {
      long limit = length >= 0 ? length + 1 : Long.MAX_VALUE;
      long copied;
      try {
        copied = HashingCopy.copy(chunk, out, hash, limit);
      } catch (HashingCopy.Interrupted e) {
        if (e.storageFailed()) {
          // A disk that is full or failing: the chunk was never acknowledged, and its space is
          // given back at once; the client resumes from the last offset it was told.
          dropChunk(out, before, current, e);
        } else {
          // The client stopped mid-chunk: keep what arrived, to resume there.
          hash = e.digest();
          size = current + e.written();
        }
        throw e;
      } catch (RuntimeException | Error e) {
        dropChunk(out, before, current, e);
        throw e;
      }
      if (length >= 0 && copied != length) {
        SizeMismatchException wrongSize = new SizeMismatchException(length, copied);
        dropChunk(out, before, current, wrongSize);
        throw wrongSize;
      }
      size = current + copied;
      return size;
    }
  }

  @Override
  public StagedBlob complete(Digest expected) throws IOException {
    reconcile();
    Digest actual;
    if (expected.algorithm() == DigestAlgorithm.SHA256) {
      actual = Digest.of(expected.algorithm(), snapshot());
    } else {
      MessageDigest other = expected.algorithm().newMessageDigest();
      hashData(other);
      actual = Digest.of(expected.algorithm(), other);
    }
    if (!actual.equals(expected)) {
      throw new DigestMismatchException(expected, actual);
    }
    return content.new Staged(data, expected, size);
  }

  @Override
  public void abort() throws IOException {
    storage.delete(data);
  }

  private void dropChunk(
      AppendableObject out, MessageDigest before, long previousSize, Throwable reason) {
    hash = before;
    size = previousSize;
    try {
      out.truncate(previousSize);
    } catch (IOException | RuntimeException e) {
      reason.addSuppressed(e);
    }
  }

  /**
   * Makes the data file and the hash agree with {@link #size}: bytes past it (a failed append that
   * could not be cut back at the time) are cut off, and the file is hashed again after a restart or
   * when it is shorter than the size (lost outside this process).
   */
  private long reconcile() throws IOException {
    long stored = storage.stat(data).map(ObjectInfo::size).orElse(size);
    if (stored > size) {
      try (AppendableObject out = storage.openAppend(data)) {
        out.truncate(size);
      }
    }
    if (hash == null || stored < size) {
      rehash();
    }
    return size;
  }

  private void rehash() throws IOException {
    MessageDigest fresh = DigestAlgorithm.SHA256.newMessageDigest();
    size = hashData(fresh);
    hash = fresh;
  }

  private long hashData(MessageDigest into) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(HashingCopy.BUFFER_SIZE);
    long hashed = 0;
    try (SeekableByteChannel in = storage.openRead(data)) {
      int read;
      while ((read = in.read(buffer.clear())) >= 0) {
        into.update(buffer.array(), 0, read);
        hashed += read;
      }
    }
    return hashed;
  }

  private MessageDigest snapshot() {
    try {
      return (MessageDigest) hash.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 cannot be cloned", e);
    }
  }
}
