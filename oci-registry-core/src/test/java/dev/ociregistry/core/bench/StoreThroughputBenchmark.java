package dev.ociregistry.core.bench;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.internal.HashingCopy;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Stores a 1 GiB stream through the engine and prints MiB/s beside two bounds measured in the same
 * run: raw {@code MessageDigest} SHA-256 over the same stream, and the storage's durable write
 * speed (write then fsync, no hashing). A durable store can reach neither bound's speed when the
 * other is lower. Never fails on timing.
 *
 * <p>A shared virtual machine's speed drifts by tens of percent within seconds, so each store is
 * measured between two raw SHA-256 runs and compared with their mean, and the summary gives the
 * median of the rounds. Each round also reports the host's steal time from {@code /proc/stat}, and
 * the summary repeats the medians over the rounds where the hypervisor took under 3% of the CPU.
 * Round 0 warms the JIT up and is not counted.
 *
 * <p>Run in its own JVM: {@code mvn -pl oci-registry-core -Pbenchmark test-compile exec:exec}, with
 * {@code -Dbench.size} in MiB (default 1024), {@code -Dbench.rounds} (default 5) and {@code
 * -Dbench.dir}, the directory to store in (default {@code java.io.tmpdir}).
 */
public final class StoreThroughputBenchmark {
  private static final double QUIET_STEAL_PERCENT = 3;

  private StoreThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    byte[] block = new byte[HashingCopy.BUFFER_SIZE];
    new Random(7).nextBytes(block);
    Digest expected = rawDigest(block, size);
    Path parent = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
    Path root = Files.createTempDirectory(parent, "oci-bench");
    try (OciRegistry registry = OciRegistry.open(root, RegistryOptions.defaults())) {
      RepositoryName repository = RepositoryName.parse("bench/blob");
      Work raw = () -> rawDigest(block, size);
      Work put = () -> registry.blobs().put(repository, expected, new Repeating(block, size), size);
      Work upload =
          () -> {
            UploadStatus status = registry.uploads().start(repository);
            registry.uploads().append(repository, status.id(), 0, size, new Repeating(block, size));
            return registry.uploads().complete(repository, status.id(), expected, -1, -1, null);
          };
      Work durable = () -> durableWrite(root.resolve("disk-probe"), block, size);
      Map<String, List<Double>> figures = new LinkedHashMap<>();
      Map<String, List<Double>> quietFigures = new LinkedHashMap<>();
      for (int round = 0; round <= rounds; round++) {
        long[] cpuBefore = cpuTicks();
        // Put and upload take turns at going first, so that neither always follows the same work.
        boolean putFirst = round % 2 == 0;
        double rawBefore = mibPerSecond(size, raw);
        double firstSpeed = mibPerSecond(size, putFirst ? put : upload);
        forget(registry, repository, expected, root);
        double rawBetween = mibPerSecond(size, raw);
        double secondSpeed = mibPerSecond(size, putFirst ? upload : put);
        forget(registry, repository, expected, root);
        double rawAfter = mibPerSecond(size, raw);
        double durableSpeed = mibPerSecond(size, durable);
        double steal = stealPercent(cpuBefore, cpuTicks());
        double rawForFirst = (rawBefore + rawBetween) / 2;
        double rawForSecond = (rawBetween + rawAfter) / 2;
        double putSpeed = putFirst ? firstSpeed : secondSpeed;
        double uploadSpeed = putFirst ? secondSpeed : firstSpeed;
        double rawForPut = putFirst ? rawForFirst : rawForSecond;
        double rawForUpload = putFirst ? rawForSecond : rawForFirst;
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("raw SHA-256 MiB/s", (rawBefore + rawBetween + rawAfter) / 3);
        row.put("durable write MiB/s", durableSpeed);
        row.put("blob put MiB/s", putSpeed);
        row.put("blob put % of SHA-256", 100 * putSpeed / rawForPut);
        row.put("blob put % of lower bound", 100 * putSpeed / Math.min(rawForPut, durableSpeed));
        row.put("upload MiB/s", uploadSpeed);
        row.put("upload % of SHA-256", 100 * uploadSpeed / rawForUpload);
        row.put(
            "upload % of lower bound", 100 * uploadSpeed / Math.min(rawForUpload, durableSpeed));
        row.put("host steal", steal);
        System.out.println((round == 0 ? "warm-up: " : "round " + round + ": ") + format(row));
        if (round > 0) {
          collect(figures, row);
          if (steal < QUIET_STEAL_PERCENT) {
            collect(quietFigures, row);
          }
        }
      }
      System.out.printf(
          "median of %d rounds of %d MiB: %s%n", rounds, size >> 20, format(medians(figures)));
      if (!quietFigures.isEmpty()) {
        System.out.printf(
            "median of the %d rounds with host steal under %.0f%%: %s%n",
            quietFigures.values().iterator().next().size(),
            QUIET_STEAL_PERCENT,
            format(medians(quietFigures)));
      }
    } finally {
      try (Stream<Path> paths = Files.walk(root)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static void collect(Map<String, List<Double>> figures, Map<String, Double> row) {
    row.forEach((name, value) -> figures.computeIfAbsent(name, k -> new ArrayList<>()).add(value));
  }

  private static Map<String, Double> medians(Map<String, List<Double>> figures) {
    Map<String, Double> medians = new LinkedHashMap<>();
    figures.forEach((name, values) -> medians.put(name, median(values)));
    return medians;
  }

  /**
   * The CPU time counters of {@code /proc/stat}'s first line (user, nice, system, idle, iowait,
   * irq, softirq, steal), or an empty array where there is no such file.
   */
  private static long[] cpuTicks() throws IOException {
    Path stat = Path.of("/proc/stat");
    if (!Files.isReadable(stat)) {
      return new long[0];
    }
    String[] fields = Files.readAllLines(stat).get(0).trim().split("\\s+");
    long[] ticks = new long[Math.min(8, fields.length - 1)];
    for (int i = 0; i < ticks.length; i++) {
      ticks[i] = Long.parseLong(fields[i + 1]);
    }
    return ticks;
  }

  /**
   * The share of CPU time the hypervisor gave to other machines between two readings: a round with
   * much of it measured the neighbours more than the code.
   */
  private static double stealPercent(long[] before, long[] after) {
    if (before.length < 8 || after.length < 8) {
      return Double.NaN;
    }
    long total = 0;
    for (int i = 0; i < 8; i++) {
      total += after[i] - before[i];
    }
    return total == 0 ? 0 : 100.0 * (after[7] - before[7]) / total;
  }

  private static String format(Map<String, Double> row) {
    StringBuilder line = new StringBuilder();
    row.forEach(
        (name, value) ->
            line.append(line.length() == 0 ? "" : ", ")
                .append(name.replace(" MiB/s", ""))
                .append(' ')
                .append(value.isNaN() ? "n/a" : Math.round(value))
                .append(value.isNaN() ? "" : name.endsWith("MiB/s") ? " MiB/s" : "%"));
    return line.toString();
  }

  /** Removes a stored blob, so that the next store writes it again. */
  private static void forget(
      OciRegistry registry, RepositoryName repository, Digest digest, Path root)
      throws IOException {
    registry.blobs().delete(repository, digest);
    Files.deleteIfExists(root.resolve("blobs/sha256/" + digest.hex()));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
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
