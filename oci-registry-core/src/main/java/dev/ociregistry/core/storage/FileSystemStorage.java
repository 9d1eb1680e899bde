package dev.ociregistry.core.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * {@link StorageDriver} on a local filesystem. Every publish is fsync of the file, an atomic rename
 * on the same filesystem, then fsync of the target directory, so that a crash at any instant leaves
 * the old state or the new one. Temporaries live under {@code tmp/} in the root. A key that would
 * resolve outside the root is refused with {@link IllegalArgumentException}. Safe for concurrent
 * use.
 */
public final class FileSystemStorage implements StorageDriver {
  private static final String TEMPORARY_PREFIX = "tmp";

  private final Path root;

  /**
   * Storage in {@code root}, which is created when missing.
   *
   * @param root the directory; relative paths are resolved against the working directory now
   * @throws IOException when the directory or its {@code tmp/} cannot be created
   */
  public FileSystemStorage(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    Files.createDirectories(this.root.resolve(TEMPORARY_PREFIX));
  }

  /** {@return the directory this storage lives in, absolute and normalized} */
  public Path root() {
    return root;
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(resolve(key), BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(
          new ObjectInfo(attributes.size(), attributes.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    return FileChannel.open(resolve(key), StandardOpenOption.READ);
  }

  @Override
  public Optional<byte[]> readSmall(String key, int maxBytes) throws IOException {
    try (FileChannel channel = FileChannel.open(resolve(key), StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > maxBytes) {
        throw new ObjectTooLargeException(key, maxBytes);
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          break;
        }
      }
      if (buffer.hasRemaining()) {
        throw new IOException(key + " shrank while it was read");
      }
      return Optional.of(buffer.array());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public AppendableObject openAppend(String key) throws IOException {
    Path path = resolve(key);
    createDirectoriesDurably(path.getParent());
    FileChannel channel =
        FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    channel.position(channel.size());
    return new FileAppendable(channel);
  }

  @Override
  public void publish(String source, String target) throws IOException {
    Path from = resolve(source);
    Path to = resolve(target);
    try (FileChannel channel = FileChannel.open(from, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    createDirectoriesDurably(to.getParent());
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("storage root must be one filesystem: cannot rename atomically", e);
    }
    syncDirectory(to.getParent());
  }

  @Override
  public void writeAtomically(String key, byte[] content) throws IOException {
    String temporary = newTemporaryKey();
    Path path = resolve(temporary);
    try {
      try (FileChannel channel =
          FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
      publish(temporary, key);
    } finally {
      Files.deleteIfExists(path);
    }
  }

  @Override
  public String newTemporaryKey() {
    return TEMPORARY_PREFIX + "/" + UUID.randomUUID();
  }

  @Override
  public void removeTemporaries() throws IOException {
    deleteTree(TEMPORARY_PREFIX);
    Files.createDirectories(root.resolve(TEMPORARY_PREFIX));
  }

  @Override
  public Stream<String> list(String prefix) throws IOException {
    Path directory = resolve(prefix);
    DirectoryStream<Path> entries;
    try {
      entries = Files.newDirectoryStream(directory);
    } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
      return Stream.empty();
    }
    Iterator<Path> iterator = entries.iterator();
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false)
        .map(path -> path.getFileName().toString())
        .onClose(
            () -> {
              try {
                entries.close();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  @Override
  public boolean isPrefix(String key) {
    return Files.isDirectory(resolve(key));
  }

  @Override
  public boolean delete(String key) throws IOException {
    Path path = resolve(key);
    try {
      if (!Files.deleteIfExists(path)) {
        return false;
      }
    } catch (DirectoryNotEmptyException e) {
      return false;
    }
    syncDirectory(path.getParent());
    return true;
  }

  @Override
  public void deleteTree(String prefix) throws IOException {
    Path start = resolve(prefix);
    if (!Files.exists(start)) {
      return;
    }
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  @Override
  public boolean touch(String key) throws IOException {
    try {
      Files.setLastModifiedTime(resolve(key), FileTime.fromMillis(System.currentTimeMillis()));
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private Path resolve(String key) {
    Path path = root.resolve(key).normalize();
    if (!path.startsWith(root)) {
      throw new IllegalArgumentException("key escapes the storage root: " + key);
    }
    return path;
  }

  /**
   * Creates missing directories and fsyncs the parent of each one it creates, so that a new
   * repository's or upload's directory survives a crash along with what is published in it.
   */
  private static void createDirectoriesDurably(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    createDirectoriesDurably(directory.getParent());
    try {
      Files.createDirectory(directory);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return;
    }
    syncDirectory(directory.getParent());
  }

  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  static final class FileAppendable implements AppendableObject {
    /**
     * Heap buffers reach the channel in slices of at most this size. The JDK copies a heap buffer
     * into a direct buffer of the write's size and keeps that buffer for the thread; with request
     * threads writing 256 KiB buffers, 200 threads would keep 50 MiB of direct memory, whose limit
     * defaults to the heap's size.
     */
    static final int HEAP_WRITE_SLICE = 64 * 1024;

    private final FileChannel channel;

    FileAppendable(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      if (source.isDirect()) {
        return channel.write(source);
      }
      int written = 0;
      while (source.hasRemaining()) {
        ByteBuffer slice = source.slice();
        slice.limit(Math.min(slice.remaining(), HEAP_WRITE_SLICE));
        int count = channel.write(slice);
        source.position(source.position() + count);
        written += count;
      }
      return written;
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      channel.truncate(size);
      channel.position(size);
    }

    @Override
    public void sync() throws IOException {
      channel.force(false);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
