package dev.ociregistry.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel says of a running process ({@code /proc/<pid>/status}), for tests and benchmarks
 * that report a server's footprint.
 *
 * @param residentKiB the memory it holds now (VmRSS)
 * @param peakResidentKiB the most it has held (VmHWM)
 * @param threads how many threads it has
 */
public record ProcessStatus(long residentKiB, long peakResidentKiB, int threads) {
  /** The status of process {@code pid}, read now. */
  public static ProcessStatus of(long pid) throws IOException {
    long resident = 0;
    long peak = 0;
    int threads = 0;
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      String[] parts = line.split("\\s+");
      switch (parts[0]) {
        case "VmRSS:" -> resident = Long.parseLong(parts[1]);
        case "VmHWM:" -> peak = Long.parseLong(parts[1]);
        case "Threads:" -> threads = Integer.parseInt(parts[1]);
        default -> {}
      }
    }
    return new ProcessStatus(resident, peak, threads);
  }

  /** {@code rss 123 MiB (peak 150 MiB), 45 threads}. */
  @Override
  public String toString() {
    return "rss "
        + residentKiB / 1024
        + " MiB (peak "
        + peakResidentKiB / 1024
        + " MiB), "
        + threads
        + " threads";
  }
}
