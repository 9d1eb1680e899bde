package dev.ociregistry.core.testing;

import dev.ociregistry.core.storage.AppendableObject;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An appendable object that forwards every call; tests override the calls that should fail. */
public class ForwardingAppendable implements AppendableObject {
  protected final AppendableObject object;

  public ForwardingAppendable(AppendableObject object) {
    this.object = object;
  }

  @Override
  public int write(ByteBuffer source) throws IOException {
    return object.write(source);
  }

  @Override
  public long size() throws IOException {
    return object.size();
  }

  @Override
  public void truncate(long size) throws IOException {
    object.truncate(size);
  }

  @Override
  public void sync() throws IOException {
    object.sync();
  }

  @Override
  public boolean isOpen() {
    return object.isOpen();
  }

  @Override
  public void close() throws IOException {
    object.close();
  }
}
