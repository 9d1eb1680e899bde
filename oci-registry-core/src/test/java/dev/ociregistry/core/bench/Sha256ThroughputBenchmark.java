package dev.ociregistry.core.bench;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.digest.DigestAlgorithm;
import dev.ociregistry.core.digest.ResumableSha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Hashes the same in-memory stream (1 GiB by default, a 1 MiB random buffer fed again and again in
 * chunks) with the JDK's {@code MessageDigest} SHA-256, which HotSpot replaces with CPU intrinsics
 * (SHA-NI or AVX2) where it can, and with {@link ResumableSha256} from a byte array and from a
 * direct buffer, and prints MiB/s for each, plus what one {@code exportState} and {@code restore}
 * cost. The three take turns within each round so that a shared machine's drift touches them alike;
 * round 0 warms the JIT up and is not counted; the summary gives the medians. Never fails on
 * timing; it fails only if the digests differ.
 *
 * <p>Run in its own JVM, after {@code mvn -pl oci-registry-core test-compile}: {@code java -cp
 * oci-registry-core/target/classes:oci-registry-core/target/test-classes
 * dev.ociregistry.core.bench.Sha256ThroughputBenchmark [MiB] [rounds] [chunk bytes]} (defaults
 * 1024, 5, 65536). Add {@code -XX:+UnlockDiagnosticVMOptions -XX:-UseSHA256Intrinsics} to compare
 * with the JDK's own Java code instead of the intrinsics.
 */
public final class Sha256ThroughputBenchmark {
  private Sha256ThroughputBenchmark() {}

  public static void main(String[] args) {
    long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int chunk = args.length > 2 ? Integer.parseInt(args[2]) : 64 << 10;
    byte[] source = new byte[1 << 20];
    new Random(7).nextBytes(source);
    ByteBuffer direct = ByteBuffer.allocateDirect(source.length).put(source).flip();
    Map<String, List<Double>> figures = new LinkedHashMap<>();
    for (int round = 0; round <= rounds; round++) {
      Map<String, Double> row = new LinkedHashMap<>();
      Digest[] digests = new Digest[3];
      // A different one goes first each round.
      for (int turn = 0; turn < 3; turn++) {
        int which = (round + turn) % 3;
        long start = System.nanoTime();
        digests[which] =
            switch (which) {
              case 0 -> messageDigest(source, size, chunk);
              case 1 -> resumableFromArray(source, size, chunk);
              default -> resumableFromDirect(direct, size, chunk);
            };
        double mibPerSecond = (size / 1048576.0) / ((System.nanoTime() - start) / 1e9);
        row.put(
            switch (which) {
              case 0 -> "MessageDigest";
              case 1 -> "ResumableSha256 byte[]";
              default -> "ResumableSha256 direct";
            },
            mibPerSecond);
      }
      if (!digests[0].equals(digests[1]) || !digests[0].equals(digests[2])) {
        throw new IllegalStateException("digests differ: " + List.of(digests));
      }
      System.out.println((round == 0 ? "warm-up: " : "round " + round + ": ") + format(row));
      if (round > 0) {
        row.forEach(
            (name, value) -> figures.computeIfAbsent(name, k -> new ArrayList<>()).add(value));
      }
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    figures.forEach((name, values) -> medians.put(name, median(values)));
    System.out.printf(
        "median of %d rounds of %d MiB in %d-byte chunks: %s; ResumableSha256 byte[] at %.0f%% of"
            + " MessageDigest%n",
        rounds,
        size >> 20,
        chunk,
        format(medians),
        100 * medians.get("ResumableSha256 byte[]") / medians.get("MessageDigest"));
    System.out.printf("exportState + restore: %.0f ns%n", exportRestoreNanos(source));
  }

  private static Digest messageDigest(byte[] source, long size, int chunk) {
    MessageDigest md = DigestAlgorithm.SHA256.newMessageDigest();
    for (long done = 0; done < size; ) {
      for (int at = 0; at < source.length && done < size; at += chunk) {
        int count = (int) Math.min(Math.min(chunk, source.length - at), size - done);
        md.update(source, at, count);
        done += count;
      }
    }
    return Digest.of(DigestAlgorithm.SHA256, md);
  }

  private static Digest resumableFromArray(byte[] source, long size, int chunk) {
    ResumableSha256 sha = new ResumableSha256();
    for (long done = 0; done < size; ) {
      for (int at = 0; at < source.length && done < size; at += chunk) {
        int count = (int) Math.min(Math.min(chunk, source.length - at), size - done);
        sha.update(source, at, count);
        done += count;
      }
    }
    return sha.digest();
  }

  private static Digest resumableFromDirect(ByteBuffer source, long size, int chunk) {
    ResumableSha256 sha = new ResumableSha256();
    for (long done = 0; done < size; ) {
      for (int at = 0; at < source.capacity() && done < size; at += chunk) {
        int count = (int) Math.min(Math.min(chunk, source.capacity() - at), size - done);
        sha.update(source.limit(at + count).position(at));
        done += count;
      }
    }
    return sha.digest();
  }

  /** Mean cost of one export and restore of a state with a part-filled block. */
  private static double exportRestoreNanos(byte[] source) {
    ResumableSha256 sha = new ResumableSha256();
    sha.update(source, 0, 100);
    int times = 1_000_000;
    long sink = 0;
    long start = System.nanoTime();
    for (int i = 0; i < times; i++) {
      sha = ResumableSha256.restore(sha.exportState());
      sink += sha.length();
    }
    long elapsed = System.nanoTime() - start;
    if (sink != 100L * times) {
      throw new IllegalStateException("restore changed the length");
    }
    return (double) elapsed / times;
  }

  private static String format(Map<String, Double> row) {
    StringBuilder line = new StringBuilder();
    row.forEach(
        (name, value) ->
            line.append(line.length() == 0 ? "" : ", ")
                .append(name)
                .append(' ')
                .append(Math.round(value))
                .append(" MiB/s"));
    return line.toString();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
