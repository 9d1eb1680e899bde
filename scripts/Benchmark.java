import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The performance benchmark: starts the controller jar as the README runs it, on a fresh data
 * directory, and prints every figure in one run. JDK only, run from source:
 *
 * <pre>java scripts/Benchmark.java provisioner-controller/target/provisioner-controller.jar</pre>
 *
 * <p>{@code scripts/benchmark} builds the jar and runs this. Figures are printed, never judged:
 * nothing here fails on a timing. System properties: {@code bench.size} (MiB of the large
 * transfers, default 1024), {@code bench.machines} (clients pulling one large blob at once,
 * default 200), {@code bench.seconds} (length of each small-request run, default 10), {@code
 * bench.blobs} (blobs in the start-up store, default 100000), {@code bench.dir}, {@code
 * bench.jvm} (more JVM options for the controller, such as {@code -Xmx64m}). Small requests
 * are measured with ApacheBench ({@code ab}, Debian's apache2-utils), the single-stream pull with
 * {@code curl}.
 */
public final class Benchmark {
  private static final long MIB = 1 << 20;
  private static final long SIZE = Long.getLong("bench.size", 1024) * MIB;
  private static final int MACHINES = Integer.getInteger("bench.machines", 200);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
  private static final int STORE_BLOBS = Integer.getInteger("bench.blobs", 100_000);
  private static final long CHUNK = 64 * MIB;
  private static final long PARALLEL_SIZE = 32 * MIB;
  private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+)");
  private static final byte[] BLOCK = block(7);

  private final Path jar;
  private final Path work;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .executor(Executors.newFixedThreadPool(8))
          .build();
  private final List<String> figures = new ArrayList<>();

  private Benchmark(Path jar, Path work) {
    this.jar = jar;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: java scripts/Benchmark.java <controller jar>");
      System.exit(2);
    }
    Path parent = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
    Path work = Files.createTempDirectory(Files.createDirectories(parent), "oci-benchmark");
    int status = 0;
    try {
      new Benchmark(Path.of(args[0]), work).run();
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    } finally {
      deleteTree(work);
    }
    // The HTTP client's threads would keep the JVM alive.
    System.exit(status);
  }

  private void run() throws Exception {
    figure(
        "machine: %d cores, %s, Java %s",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"),
        System.getProperty("java.version"));
    if ("startup".equals(System.getProperty("bench.only"))) {
      startUpAndGc();
      figures.forEach(System.out::println);
      return;
    }
    double sha = sha256Speed();
    double durable = durableWriteSpeed();
    double bound = Math.min(sha, durable);
    figure("bound: SHA-256 %.0f MiB/s, durable write %.0f MiB/s", sha, durable);
    try (Server server = Server.start(jar, work.resolve("data"), Map.of())) {
      figure("rss idle after start: %d MiB", server.rssMiB());
      Pushed monoPush = push(server, "bench/mono", SIZE, 1, false);
      String mono = monoPush.digest();
      double monoSpeed = monoPush.mibPerSecond();
      figure(
          "push %d MiB monolithic: %.0f MiB/s (%.0f%% of SHA-256, %.0f%% of durable write, %.0f%%"
              + " of the lower)",
          SIZE / MIB, monoSpeed, 100 * monoSpeed / sha, 100 * monoSpeed / durable,
          100 * monoSpeed / bound);
      double chunked = push(server, "bench/chunked", SIZE, 2, true).mibPerSecond();
      figure(
          "push %d MiB in 64 MiB chunks: %.0f MiB/s (%.0f%% of the lower bound)",
          SIZE / MIB, chunked, 100 * chunked / bound);
      singleStreamPull(server, "/v2/bench/mono/blobs/" + mono);
      for (int clients : new int[] {16, 64}) {
        parallel(server, clients);
      }
      manyMachines(server, mono);
      smallRequests(server);
      figure("rss peak: %d MiB; heap used now %d MiB", server.peakRssMiB(), server.heapMiB());
    }
    startUpAndGc();
    System.out.println();
    System.out.println("== benchmark figures");
    figures.forEach(System.out::println);
  }

  // ---------------------------------------------------------------- bounds

  private static double sha256Speed() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int warmUp = 0; warmUp < 256; warmUp++) {
      sha.update(BLOCK);
    }
    sha.reset();
    long started = System.nanoTime();
    for (long done = 0; done < SIZE; done += BLOCK.length) {
      sha.update(BLOCK);
    }
    sha.digest();
    return speed(SIZE, started);
  }

  private double durableWriteSpeed() throws IOException {
    Path file = work.resolve("durable-write");
    long started = System.nanoTime();
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long done = 0; done < SIZE; done += BLOCK.length) {
        ByteBuffer buffer = ByteBuffer.wrap(BLOCK);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
      out.force(true);
    }
    double speed = speed(SIZE, started);
    Files.delete(file);
    return speed;
  }

  // ---------------------------------------------------------------- transfers

  /** A pushed blob, and how fast it went (its digest computed beforehand, not counted). */
  private record Pushed(String digest, double mibPerSecond) {}

  /** Pushes {@code size} bytes of content {@code seed} to {@code repository}. */
  private Pushed push(Server server, String repository, long size, int seed, boolean chunked)
      throws Exception {
    byte[] block = block(seed);
    String digest = digestOf(block, size);
    long started = System.nanoTime();
    if (!chunked) {
      expect(
          send(
              server.request("/v2/" + repository + "/blobs/uploads/?digest=" + digest)
                  .POST(body(block, 0, size))),
          201);
    } else {
      HttpResponse<Void> opened =
          send(server.request("/v2/" + repository + "/blobs/uploads/").POST(BodyPublishers.noBody()));
      expect(opened, 202);
      URI location = server.resolve(opened.headers().firstValue("Location").orElseThrow());
      for (long from = 0; from < size; from += CHUNK) {
        long length = Math.min(CHUNK, size - from);
        HttpResponse<Void> patched =
            send(
                HttpRequest.newBuilder(location)
                    .header("Content-Range", from + "-" + (from + length - 1))
                    .header("Content-Type", "application/octet-stream")
                    .method("PATCH", body(block, from, length)));
        expect(patched, 202);
        location = server.resolve(patched.headers().firstValue("Location").orElseThrow());
      }
      String separator = location.getQuery() == null ? "?" : "&";
      expect(
          send(
              HttpRequest.newBuilder(URI.create(location + separator + "digest=" + digest))
                  .PUT(BodyPublishers.noBody())),
          201);
    }
    return new Pushed(digest, speed(size, started));
  }

  private long pull(Server server, String repository, String digest) throws Exception {
    HttpResponse<InputStream> response =
        http.send(
            server.request("/v2/" + repository + "/blobs/" + digest).GET().build(),
            BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("pull answered " + response.statusCode());
      }
      return in.transferTo(OutputStream.nullOutputStream());
    }
  }

  /**
   * One client reading the blob with {@code curl}, which reads faster than a Java client and so
   * measures the server: three reads, the first of which also warms the server's compiled code.
   */
  private void singleStreamPull(Server server, String path) throws Exception {
    List<Double> speeds = new ArrayList<>();
    for (int read = 0; read < 3; read++) {
      String written = "%{http_code} %{size_download} %{time_total}";
      Process curl =
          new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", written, server.url(path))
              .redirectErrorStream(true)
              .start();
      String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String[] answer = output.trim().split(" ");
      if (curl.waitFor() != 0 || !answer[0].equals("200") || Long.parseLong(answer[1]) != SIZE) {
        throw new IllegalStateException("curl's pull failed: " + String.join(" ", answer));
      }
      speeds.add(SIZE / (double) MIB / Double.parseDouble(answer[2]));
    }
    figure(
        "pull %d MiB with curl: %.0f MiB/s (reads: %.0f, %.0f, %.0f)",
        SIZE / MIB, Collections.max(speeds), speeds.get(0), speeds.get(1), speeds.get(2));
  }

  private void parallel(Server server, int clients) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<CompletableFuture<String>> pushes = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      int seed = 1000 * clients + i;
      pushes.add(
          CompletableFuture.supplyAsync(
              () ->
                  call(
                      () ->
                          push(server, "bench/parallel" + seed, PARALLEL_SIZE, seed, false)
                              .digest()),
              pool));
    }
    List<String> digests = new ArrayList<>();
    for (CompletableFuture<String> one : pushes) {
      try {
        digests.add(one.get());
      } catch (Exception e) {
        System.err.println("a parallel push failed: " + e.getCause());
      }
    }
    double pushSpeed = speed(PARALLEL_SIZE * digests.size(), started);
    started = System.nanoTime();
    List<CompletableFuture<Long>> pulls = new ArrayList<>();
    for (int i = 0; i < digests.size(); i++) {
      int seed = 1000 * clients + i;
      String digest = digests.get(i);
      pulls.add(
          CompletableFuture.supplyAsync(
              () -> call(() -> pull(server, "bench/parallel" + seed, digest)), pool));
    }
    long bytes = 0;
    for (CompletableFuture<Long> one : pulls) {
      bytes += one.get();
    }
    figure(
        "%d parallel pushes of 32 MiB: %d of %d succeeded, %.0f MiB/s together; pulls %.0f MiB/s"
            + " together",
        clients, digests.size(), clients, pushSpeed, speed(bytes, started));
    pool.shutdown();
  }

  private void manyMachines(Server server, String digest) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(MACHINES);
    long started = System.nanoTime();
    List<CompletableFuture<Long>> pulls = new ArrayList<>();
    for (int i = 0; i < MACHINES; i++) {
      pulls.add(
          CompletableFuture.supplyAsync(
              () ->
                  call(
                      () -> {
                        long begun = System.nanoTime();
                        pull(server, "bench/mono", digest);
                        return System.nanoTime() - begun;
                      }),
              pool));
    }
    long slowest = 0;
    int failed = 0;
    for (CompletableFuture<Long> one : pulls) {
      try {
        slowest = Math.max(slowest, one.get());
      } catch (Exception e) {
        if (failed++ == 0) {
          System.err.println("a machine's pull failed: " + e.getCause());
        }
      }
    }
    figure(
        "%d machines pulling one %d MiB blob at once: %.0f MiB/s together, slowest %.1f s, %d"
            + " failed",
        MACHINES, SIZE / MIB, speed(SIZE * (MACHINES - failed), started), slowest / 1e9, failed);
    pool.shutdown();
  }

  private void smallRequests(Server server) throws Exception {
    byte[] small = new byte[1024];
    new Random(3).nextBytes(small);
    String blob = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(small));
    expect(
        send(
            server.request("/v2/bench/small/blobs/uploads/?digest=" + blob)
                .POST(BodyPublishers.ofByteArray(small))),
        201);
    String config = "{}";
    String configDigest =
        "sha256:"
            + HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(config.getBytes(StandardCharsets.UTF_8)));
    expect(
        send(
            server.request("/v2/bench/small/blobs/uploads/?digest=" + configDigest)
                .POST(BodyPublishers.ofString(config))),
        201);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
            + configDigest
            + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
            + "\"digest\":\""
            + blob
            + "\",\"size\":1024}]}";
    expect(
        send(
            server.request("/v2/bench/small/manifests/1")
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(BodyPublishers.ofString(manifest))),
        201);
    rate(server, "GET of a manifest", "/v2/bench/small/manifests/1", false);
    rate(server, "HEAD of a 1 KiB blob", "/v2/bench/small/blobs/" + blob, true);
    rate(server, "GET of a 1 KiB blob", "/v2/bench/small/blobs/" + blob, false);
  }

  /**
   * Requests a second over 32 keep-alive connections, measured with ApacheBench ({@code ab}, from
   * Debian's apache2-utils): a Java client would measure itself more than the server.
   */
  private void rate(Server server, String what, String path, boolean head) throws Exception {
    List<String> command = new ArrayList<>(List.of("ab", "-k", "-q", "-c", "32"));
    if (head) {
      command.add("-i");
    }
    command.addAll(
        List.of("-t", Integer.toString(SECONDS), "-n", "100000000", server.url(path)));
    Process ab = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(ab.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (ab.waitFor() != 0) {
      throw new IllegalStateException("ab failed:\n" + output);
    }
    figure(
        "%s, 32 connections: %s requests/s (%s failed, %s non-2xx)",
        what,
        field(output, "Requests per second:\\s+([0-9.]+)"),
        field(output, "Failed requests:\\s+([0-9]+)"),
        field(output, "Non-2xx responses:\\s+([0-9]+)", "0"));
  }

  private static String field(String output, String regex) {
    return field(output, regex, "?");
  }

  private static String field(String output, String regex, String absent) {
    Matcher matcher = Pattern.compile(regex).matcher(output);
    return matcher.find() ? matcher.group(1) : absent;
  }

  // ---------------------------------------------------------------- start-up and GC

  private void startUpAndGc() throws Exception {
    Path data =
        Path.of(System.getProperty("bench.store", work.resolve("large-store").toString()));
    int tags = Math.max(1, STORE_BLOBS / 10);
    long made =
        Files.isDirectory(data.resolve("registry"))
            ? STORE_BLOBS
            : Store.write(data.resolve("registry"), tags);
    long started = System.nanoTime();
    try (Server server = Server.start(jar, data, Map.of("REGISTRY_GC_GRACE_PERIOD", "24h"))) {
      server.awaitV2();
      double startUp = (System.nanoTime() - started) / 1e9;
      long gcStarted = System.nanoTime();
      HttpResponse<String> gc =
          http.send(
              server.request("/admin/gc").POST(BodyPublishers.noBody()).build(),
              BodyHandlers.ofString());
      figure(
          "store of %d blobs and %d tags: start-up to the first /v2/ 200 in %.2f s; GC in %.2f s"
              + " (%s); rss %d MiB",
          made, tags, startUp, (System.nanoTime() - gcStarted) / 1e9, gc.body(), server.rssMiB());
    }
  }

  /** Writes a store straight in the on-disk layout: images of ten blobs (config, nine layers). */
  static final class Store {
    static long write(Path root, int images) throws Exception {
      Path blobs = Files.createDirectories(root.resolve("blobs/sha256"));
      Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      long count = 0;
      for (int image = 0; image < images; image++) {
        Path repository =
            root.resolve("repositories/team" + (image / 1000) + "/app" + (image / 10));
        Path links = Files.createDirectories(repository.resolve("_blobs/sha256"));
        Path manifests = Files.createDirectories(repository.resolve("_manifests/sha256"));
        Path refs = Files.createDirectories(repository.resolve("_refs"));
        StringBuilder layers = new StringBuilder();
        String config = null;
        for (int layer = 0; layer < 9; layer++) {
          byte[] content = ("blob " + image + " " + layer).getBytes(StandardCharsets.UTF_8);
          String hex = write(blobs, content);
          Files.createFile(links.resolve(hex));
          count++;
          String descriptor =
              "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:"
                  + hex
                  + "\",\"size\":"
                  + content.length
                  + "}";
          if (config == null) {
            config = descriptor.replace("layer.v1.tar", "config.v1+json");
          } else {
            layers.append(layers.isEmpty() ? "" : ",").append(descriptor);
          }
        }
        byte[] manifest =
            ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":"
                    + config
                    + ",\"layers\":["
                    + layers
                    + "]}")
                .getBytes(StandardCharsets.UTF_8);
        String hex = write(blobs, manifest);
        count++;
        Files.writeString(manifests.resolve(hex), "application/vnd.oci.image.manifest.v1+json");
        Files.writeString(refs.resolve("v" + image % 10), "sha256:" + hex);
      }
      return count;
    }

    private static String write(Path blobs, byte[] content) throws Exception {
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
      Files.write(blobs.resolve(hex), content);
      return hex;
    }
  }

  // ---------------------------------------------------------------- the server

  /** The jar, started as the README starts it, on a free port. */
  static final class Server implements AutoCloseable {
    private final Process process;
    private final int port;

    private Server(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static Server start(Path jar, Path data, Map<String, String> env) throws Exception {
      // As the README runs it: the launcher, with its JVM settings and class archive.
      ProcessBuilder builder =
          new ProcessBuilder(System.getProperty("bench.launcher", "scripts/controller"))
              .redirectErrorStream(true);
      builder.environment().put("CONTROLLER_JAR", jar.toAbsolutePath().toString());
      builder.environment().put("JAVA_OPTS", System.getProperty("bench.jvm", "").trim());
      builder.environment().put("DATA_DIR", data.toString());
      builder.environment().put("LISTEN_ADDR", "127.0.0.1:0");
      builder.environment().putAll(env);
      Process process = builder.start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<Integer> port = new CompletableFuture<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  String line;
                  while ((line = out.readLine()) != null) {
                    if (line.contains(" WARN ") || line.contains(" ERROR ")) {
                      System.err.println("controller: " + line);
                    }
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                      port.complete(Integer.parseInt(matcher.group(1)));
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
                port.completeExceptionally(new IllegalStateException("the controller ended"));
              });
      reader.setDaemon(true);
      reader.start();
      return new Server(process, port.get(120, TimeUnit.SECONDS));
    }

    String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }

    HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofMinutes(30));
    }

    URI resolve(String location) {
      return URI.create("http://127.0.0.1:" + port + "/").resolve(location);
    }

    void awaitV2() throws Exception {
      HttpClient client = HttpClient.newHttpClient();
      while (true) {
        try {
          if (client.send(request("/v2/").GET().build(), BodyHandlers.discarding()).statusCode()
              == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(5);
      }
    }

    long rssMiB() throws IOException {
      return status("VmRSS") / 1024;
    }

    long peakRssMiB() throws IOException {
      return status("VmHWM") / 1024;
    }

    long heapMiB() throws Exception {
      String metrics =
          HttpClient.newHttpClient()
              .send(request("/metrics").GET().build(), BodyHandlers.ofString())
              .body();
      double bytes = 0;
      for (String line : metrics.split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
          bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return (long) (bytes / MIB);
    }

    private long status(String field) throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return -1;
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private interface Call<T> {
    T run() throws Exception;
  }

  private static <T> T call(Call<T> call) {
    try {
      return call.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<Void> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), BodyHandlers.discarding());
  }

  private static void expect(HttpResponse<?> response, int status) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          response.request().method() + " " + response.uri() + " answered " + response.statusCode());
    }
  }

  /** {@code length} bytes of the repeated {@code block} from {@code from}, streamed. */
  private static HttpRequest.BodyPublisher body(byte[] block, long from, long length) {
    return BodyPublishers.fromPublisher(
        BodyPublishers.ofInputStream(() -> new Repeating(block, from, length)), length);
  }

  private static String digestOf(byte[] block, long size) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (long done = 0; done < size; done += block.length) {
      sha.update(block, 0, (int) Math.min(block.length, size - done));
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }

  private static byte[] block(long seed) {
    byte[] block = new byte[(int) MIB];
    new Random(seed).nextBytes(block);
    return block;
  }

  private static double speed(long bytes, long startedNanos) {
    return bytes / (double) MIB / ((System.nanoTime() - startedNanos) / 1e9);
  }

  private void figure(String format, Object... arguments) {
    String line = String.format(Locale.ROOT, format, arguments);
    figures.add(line);
    System.out.println(line);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** An endless repetition of one block, cut to a length, starting at an offset into it. */
  static final class Repeating extends InputStream {
    private final byte[] block;
    private long position;
    private final long end;

    Repeating(byte[] block, long from, long length) {
      this.block = block;
      this.position = from;
      this.end = from + length;
    }

    @Override
    public int read() {
      if (position >= end) {
        return -1;
      }
      return block[(int) (position++ % block.length)] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      if (position >= end) {
        return -1;
      }
      int start = (int) (position % block.length);
      int count = (int) Math.min(Math.min(length, block.length - start), end - position);
      System.arraycopy(block, start, into, offset, count);
      position += count;
      return count;
    }
  }
}
