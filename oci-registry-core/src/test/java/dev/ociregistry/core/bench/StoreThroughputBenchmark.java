package dev.ociregistry.core.bench;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.layout.HashingCopy;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.upload.UploadStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Stores a 1 GiB stream through the engine and prints MiB/s beside two bounds measured in the same
 * run: raw {@code MessageDigest} SHA-256 over the same stream, and the storage's durable write
 * speed (write then fsync, no hashing). A durable store can reach neither bound's speed when the
 * other is lower. Never fails on timing.
 *
 * <p>Run: {@code mvn -pl oci-registry-core -Pbenchmark test-compile exec:java}; arguments: size in
 * MiB (default 1024), rounds (default 3), and the directory to store in (default a temporary
 * directory under {@code java.io.tmpdir}).
 */
public final class StoreThroughputBenchmark {
  private StoreThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    byte[] block = new byte[HashingCopy.BUFFER_SIZE];
    new Random(7).nextBytes(block);
    Digest expected = rawDigest(block, size);
    Path parent = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
    Path root = Files.createTempDirectory(parent, "oci-bench");
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      RepositoryName repository = RepositoryName.parse("bench/blob");
      for (int round = 1; round <= rounds; round++) {
        double raw = mibPerSecond(size, () -> rawDigest(block, size));
        double disk =
            mibPerSecond(size, () -> durableWrite(root.resolve("disk-probe"), block, size));
        double put =
            mibPerSecond(
                size,
                () -> registry.blobs().put(repository, expected, new Repeating(block, size), size));
        registry.blobs().delete(repository, expected);
        Files.deleteIfExists(root.resolve("blobs/sha256/" + expected.hex()));
        double upload =
            mibPerSecond(
                size,
                () -> {
                  UploadStatus status = registry.uploads().start(repository);
                  registry
                      .uploads()
                      .append(repository, status.id(), 0, size, new Repeating(block, size));
                  return registry
                      .uploads()
                      .complete(repository, status.id(), expected, -1, -1, null);
                });
        Files.deleteIfExists(root.resolve("blobs/sha256/" + expected.hex()));
        double bound = Math.min(raw, disk);
        System.out.printf(
            "round %d: %d MiB  raw SHA-256 %.0f MiB/s  durable write %.0f MiB/s  blob put %.0f MiB/s"
                + " (%.0f%% of SHA-256, %.0f%% of the lower bound)  upload %.0f MiB/s (%.0f%%, %.0f%%)%n",
            round,
            size >> 20,
            raw,
            disk,
            put,
            100 * put / raw,
            100 * put / bound,
            upload,
            100 * upload / raw,
            100 * upload / bound);
      }
    } finally {
      try (Stream<Path> paths = Files.walk(root)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private interface Work {
    Object run() throws IOException;
  }

  private static double mibPerSecond(long size, Work work) throws IOException {
    long start = System.nanoTime();
    work.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    return (size / (1024.0 * 1024.0)) / seconds;
  }

  /** SHA-256 of the same stream the store reads, through a buffer of the same size. */
  private static Digest rawDigest(byte[] block, long size) throws IOException {
    MessageDigest sha256 = DigestAlgorithm.SHA256.newMessageDigest();
    byte[] buffer = new byte[HashingCopy.BUFFER_SIZE];
    try (InputStream in = new Repeating(block, size)) {
      int read;
      while ((read = in.readNBytes(buffer, 0, buffer.length)) > 0) {
        sha256.update(buffer, 0, read);
      }
    }
    return Digest.of(DigestAlgorithm.SHA256, sha256);
  }

  /** Writes the stream to a file and fsyncs it: what durability alone costs on this storage. */
  private static Object durableWrite(Path file, byte[] block, long size) throws IOException {
    byte[] buffer = new byte[HashingCopy.BUFFER_SIZE];
    try (InputStream in = new Repeating(block, size);
        FileChannel out =
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      int read;
      while ((read = in.readNBytes(buffer, 0, buffer.length)) > 0) {
        ByteBuffer wrapped = ByteBuffer.wrap(buffer, 0, read);
        while (wrapped.hasRemaining()) {
          out.write(wrapped);
        }
      }
      out.force(true);
    } finally {
      Files.deleteIfExists(file);
    }
    return file;
  }

  /** {@code size} bytes of one block repeated, produced as they are read. */
  private static final class Repeating extends InputStream {
    private final byte[] block;
    private final long size;
    private long position;

    Repeating(byte[] block, long size) {
      this.block = block;
      this.size = size;
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException("read in blocks");
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= size) {
        return -1;
      }
      int index = (int) (position % block.length);
      int count = (int) Math.min(Math.min(length, block.length - index), size - position);
      System.arraycopy(block, index, buffer, offset, count);
      position += count;
      return count;
    }
  }
}
