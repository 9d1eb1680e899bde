package dev.ociregistry.core.testing;

import dev.ociregistry.core.storage.AppendableObject;
import dev.ociregistry.core.storage.ObjectInfo;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real storage whose appendable objects pass through a wrapper, so that a test can make writes,
 * syncs or truncations fail the way a sick disk does. Everything else goes straight through.
 */
public final class AppendFaults implements StorageDriver {
  private final StorageDriver storage;
  private volatile UnaryOperator<AppendableObject> wrapper;

  public AppendFaults(StorageDriver storage, UnaryOperator<AppendableObject> wrapper) {
    this.storage = storage;
    this.wrapper = wrapper;
  }

  /** Lets later appends through unchanged: the disk is well again. */
  public void heal() {
    wrapper = UnaryOperator.identity();
  }

  @Override
  public AppendableObject openAppend(String key) throws IOException {
    return wrapper.apply(storage.openAppend(key));
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return storage.stat(key);
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    return storage.openRead(key);
  }

  @Override
  public Optional<byte[]> readSmall(String key, int maxBytes) throws IOException {
    return storage.readSmall(key, maxBytes);
  }

  @Override
  public void publish(String source, String target) throws IOException {
    storage.publish(source, target);
  }

  @Override
  public void writeAtomically(String key, byte[] content) throws IOException {
    storage.writeAtomically(key, content);
  }

  @Override
  public String newTemporaryKey() {
    return storage.newTemporaryKey();
  }

  @Override
  public void removeTemporaries() throws IOException {
    storage.removeTemporaries();
  }

  @Override
  public Stream<String> list(String prefix) throws IOException {
    return storage.list(prefix);
  }

  @Override
  public boolean isPrefix(String key) throws IOException {
    return storage.isPrefix(key);
  }

  @Override
  public boolean delete(String key) throws IOException {
    return storage.delete(key);
  }

  @Override
  public void deleteTree(String prefix) throws IOException {
    storage.deleteTree(prefix);
  }

  @Override
  public boolean touch(String key) throws IOException {
    return storage.touch(key);
  }
}
