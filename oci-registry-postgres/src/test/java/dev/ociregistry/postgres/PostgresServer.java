package dev.ociregistry.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from the machine's packages (Debian's {@code postgresql}), in a
 * temporary directory on a free port of 127.0.0.1, started by the tests and stopped after them.
 * Fails, never skips, when the binaries are missing.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "registry";

  private final Path directory;
  private final Path bin;
  private final int port;
  private final AtomicInteger databases = new AtomicInteger();

  private PostgresServer(Path directory, Path bin, int port) {
    this.directory = directory;
    this.bin = bin;
    this.port = port;
  }

  public static PostgresServer start() throws IOException, InterruptedException {
    Path bin = binaries();
    Path directory = Files.createTempDirectory("registry-pg");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      run(List.of("chown", "postgres:", directory.toString()), directory);
    }
    PostgresServer server = new PostgresServer(directory, bin, port);
    server.asOwner(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            directory.resolve("data").toString(),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync"));
    server.asOwner(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            directory.resolve("data").toString(),
            "-l",
            directory.resolve("log").toString(),
            "-w",
            "-o",
            "-p "
                + port
                + " -k "
                + directory
                + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                + " -c max_connections=200",
            "start"));
    return server;
  }

  /** A new, empty database; its JDBC URL. */
  public String newDatabase() throws SQLException {
    String name = "registry_" + databases.incrementAndGet();
    try (Connection connection = DriverManager.getConnection(url("postgres"), USER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return url(name);
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  @Override
  public void close() throws IOException {
    try {
      asOwner(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              directory.resolve("data").toString(),
              "-m",
              "immediate",
              "-w",
              "stop"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted stopping PostgreSQL", e);
    } finally {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private void asOwner(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    run(full, directory);
  }

  private static void run(List<String> command, Path directory)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                directory.resolve("commands.log").toFile().exists()
                    ? ProcessBuilder.Redirect.appendTo(directory.resolve("commands.log").toFile())
                    : ProcessBuilder.Redirect.to(directory.resolve("commands.log").toFile()))
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(
          String.join(" ", command)
              + " failed: "
              + Files.readString(directory.resolve("commands.log")));
    }
  }

  private static Path binaries() throws IOException {
    Path versions = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(versions)) {
      try (Stream<Path> found = Files.list(versions)) {
        List<Path> bins =
            found
                .map(version -> version.resolve("bin"))
                .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                .sorted()
                .toList();
        if (!bins.isEmpty()) {
          return bins.get(bins.size() - 1);
        }
      }
    }
    throw new IOException(
        "PostgreSQL's server binaries are missing (initdb under /usr/lib/postgresql/*/bin):"
            + " install Debian's postgresql package, as .ci/run does");
  }
}
