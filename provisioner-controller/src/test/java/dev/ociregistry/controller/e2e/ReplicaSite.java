package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.conformance.ConformanceTestBase;
import dev.ociregistry.testkit.JarProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A site as {@code docs/design/scale-out.md} describes it, started here: three controller jars on
 * one PostgreSQL database and one S3 bucket (s3proxy), configured only by environment, behind nginx
 * picking the next replica for every request. Closing it stops everything, then fails when a
 * replica answered less than a quarter of the requests: the requests did go round.
 */
final class ReplicaSite implements AutoCloseable {
  private static final int REPLICAS = 3;

  private final SharedStores stores;
  private final List<JarProcess> replicas;
  private final NginxInFront front;

  private ReplicaSite(SharedStores stores, List<JarProcess> replicas, NginxInFront front) {
    this.stores = stores;
    this.replicas = replicas;
    this.front = front;
  }

  /** Starts the stores, the replicas and nginx, each under {@code workDir}. */
  static ReplicaSite start(Path workDir) throws Exception {
    SharedStores stores = SharedStores.start(workDir.resolve("s3"));
    List<JarProcess> replicas = new ArrayList<>();
    try {
      Map<String, String> environment = stores.newRegistry();
      environment.put("S3_PART_SIZE", "5MiB");
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < REPLICAS; i++) {
        Path home = Files.createDirectories(workDir.resolve("replica-" + i));
        Map<String, String> own = new HashMap<>(environment);
        own.put("DATA_DIR", home.resolve("data").toString());
        JarProcess replica = ControllerJar.start(home, ControllerJar.onAFreePort(own));
        replicas.add(replica);
        ports.add(replica.awaitListening());
      }
      return new ReplicaSite(stores, replicas, NginxInFront.roundRobin(workDir, ports));
    } catch (Exception | Error e) {
      replicas.forEach(JarProcess::close);
      stores.close();
      throw e;
    }
  }

  /** A site under {@code root} as the conformance workflows' registry, stopped after them. */
  static ConformanceTestBase.RegistryUnderTest forConformance(Path root) throws Exception {
    ReplicaSite site = start(root);
    return new ConformanceTestBase.RegistryUnderTest(site.base(), site);
  }

  /** nginx's address: where clients send every request. */
  URI base() {
    return front.base();
  }

  /** {@code 127.0.0.1:<port>} of nginx, as clients name a registry. */
  String hostPort() {
    return front.base().getAuthority();
  }

  /** The nginx in front. */
  NginxInFront front() {
    return front;
  }

  /** How many requests each replica answered so far, by {@code 127.0.0.1:<port>}. */
  Map<String, Long> requestsByReplica() throws Exception {
    return front.upstreamsUsed().stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  @Override
  public void close() throws Exception {
    Map<String, Long> answered;
    try {
      answered = requestsByReplica();
    } finally {
      try {
        front.close();
        replicas.forEach(JarProcess::close);
      } finally {
        stores.close();
      }
    }
    long total = answered.values().stream().mapToLong(Long::longValue).sum();
    System.out.println("requests answered by each replica: " + answered);
    assertThat(answered).as("requests answered by each replica").hasSize(REPLICAS);
    assertThat(answered.values())
        .as("each replica's share of %d requests", total)
        .allSatisfy(count -> assertThat(count * 4).isGreaterThanOrEqualTo(total));
  }
}
