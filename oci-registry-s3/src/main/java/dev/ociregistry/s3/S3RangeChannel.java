package dev.ociregistry.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An object read through ranged GETs: the first read at a position opens a GET from there to the
 * end, later reads go on with it, and moving the position elsewhere opens a new one. Closing stops
 * the transfer without reading the rest.
 */
final class S3RangeChannel implements SeekableByteChannel {
  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final long size;
  private long position;
  private ResponseInputStream<GetObjectResponse> stream;
  private long streamPosition;
  private byte[] buffer;
  private boolean open = true;

  S3RangeChannel(S3Client s3, String bucket, String key, long size) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.size = size;
  }

  @Override
  public int read(ByteBuffer destination) throws IOException {
    ensureOpen();
    if (position >= size) {
      return -1;
    }
    if (!destination.hasRemaining()) {
      return 0;
    }
    if (stream == null || streamPosition != position) {
      closeStream();
      long from = position;
      stream =
          ObjectStoreCall.send(
              key, () -> s3.getObject(r -> r.bucket(bucket).key(key).range("bytes=" + from + "-")));
      streamPosition = from;
    }
    int want = (int) Math.min(destination.remaining(), size - position);
    int read;
    if (destination.hasArray()) {
      read =
          stream.read(
              destination.array(), destination.arrayOffset() + destination.position(), want);
      if (read > 0) {
        destination.position(destination.position() + read);
      }
    } else {
      if (buffer == null || buffer.length < Math.min(want, 64 * 1024)) {
        buffer = new byte[64 * 1024];
      }
      read = stream.read(buffer, 0, Math.min(want, buffer.length));
      if (read > 0) {
        destination.put(buffer, 0, read);
      }
    }
    if (read < 0) {
      throw new IOException("object " + key + " ended at " + position + " of " + size + " bytes");
    }
    position += read;
    streamPosition += read;
    return read;
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return size;
  }

  @Override
  public int write(ByteBuffer source) {
    throw new NonWritableChannelException();
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    closeStream();
  }

  private void closeStream() {
    if (stream != null) {
      stream.abort();
      stream = null;
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
