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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Stores a 1 GiB stream through the engine and prints MiB/s beside the raw {@code MessageDigest}
 * SHA-256 speed measured in the same run, for the same bytes. Never fails on timing.
 *
 * <p>Run: {@code mvn -pl oci-registry-core -Pbenchmark test-compile exec:java}; arguments: size in
 * MiB (default 1024) and rounds (default 3).
 */
public final class StoreThroughputBenchmark {
  private StoreThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    byte[] block = new byte[HashingCopy.BUFFER_SIZE];
    new Random(7).nextBytes(block);
    Digest expected = rawDigest(block, size);
    Path root = Files.createTempDirectory("oci-bench");
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      RepositoryName repository = RepositoryName.parse("bench/blob");
      for (int round = 1; round <= rounds; round++) {
        double raw = mibPerSecond(size, () -> rawDigest(block, size));
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
        System.out.printf(
            "round %d: %d MiB  raw SHA-256 %.0f MiB/s  blob put %.0f MiB/s (%.0f%%)  upload %.0f"
                + " MiB/s (%.0f%%)%n",
            round, size >> 20, raw, put, 100 * put / raw, upload, 100 * upload / raw);
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

  private static Digest rawDigest(byte[] block, long size) {
    MessageDigest sha256 = DigestAlgorithm.SHA256.newMessageDigest();
    for (long done = 0; done < size; done += block.length) {
      sha256.update(block, 0, (int) Math.min(block.length, size - done));
    }
    return Digest.of(DigestAlgorithm.SHA256, sha256);
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
