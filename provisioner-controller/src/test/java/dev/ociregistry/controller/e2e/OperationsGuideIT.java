package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Commands;
import dev.ociregistry.testkit.Digests;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.Skopeo;
import dev.ociregistry.testkit.TestHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code docs/operations.md} and the README tell operators, against the jar: the exit codes
 * the guide lists are exactly those the jar exits with, each made to happen (0 after SIGTERM, 1
 * with its port taken, 2 with a bad variable, 3 out of memory); and the README's {@code skopeo
 * inspect} reads an artifact straight from the storage root, where skopeo without {@code --raw}
 * refuses it.
 */
class OperationsGuideIT {
  private static final Path REPOSITORY =
      Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
  private static final Pattern EXIT_CODE_ROW = Pattern.compile("^\\| `(\\d+)` \\|");
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path workDir;

  @Test
  void theGuideListsExactlyTheExitCodesTheFollowingTestsMakeTheJarExitWith() throws IOException {
    List<String> lines = Files.readAllLines(REPOSITORY.resolve("docs/operations.md"));
    int begin = lines.indexOf("<!-- exit-codes:begin -->");
    int end = lines.indexOf("<!-- exit-codes:end -->");
    assertThat(begin).as("the guide's exit code table").isNotNegative().isLessThan(end);
    Set<Integer> listed = new TreeSet<>();
    for (String line : lines.subList(begin + 1, end)) {
      Matcher row = EXIT_CODE_ROW.matcher(line);
      if (row.find()) {
        listed.add(Integer.parseInt(row.group(1)));
      }
    }

    assertThat(listed).containsExactly(0, 1, 2, 3);
  }

  @Test
  void sigtermStopsItGracefullyWithExitCode0() throws Exception {
    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, env())) {
      new TestHttp(controller.base()).get("/v2/").expect(200);

      controller.terminate();

      assertThat(controller.awaitExit(EXIT_TIMEOUT)).isZero();
      assertThat(controller.log())
          .contains("stopping: requests in flight get up to 20 s", "stopped");
    }
  }

  @Test
  void aPortAlreadyTakenFailsStartUpWithExitCode1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Map<String, String> env = new HashMap<>(env());
      env.put("LISTEN_ADDR", "127.0.0.1:" + taken.getLocalPort());
      try (JarProcess controller = ControllerJar.start(workDir, env)) {

        assertThat(controller.awaitExit(EXIT_TIMEOUT)).isEqualTo(1);
        assertThat(controller.log()).contains("ERROR", "start-up failed:");
      }
    }
  }

  @Test
  void aBadVariableStopsStartUpWithExitCode2() throws Exception {
    Map<String, String> env = new HashMap<>(env());
    env.put("REGISTRY_GC_INTERVAL", "soon");
    try (JarProcess controller = ControllerJar.start(workDir, env)) {

      assertThat(controller.awaitExit(EXIT_TIMEOUT)).isEqualTo(2);
      assertThat(controller.log())
          .contains("invalid configuration", "REGISTRY_GC_INTERVAL=soon is not valid");
    }
  }

  @Test
  void runningOutOfMemoryExitsWithCode3() throws Exception {
    // A metaspace too small for the controller's classes: the JVM runs out of memory while it
    // starts, as the launcher would run it (-XX:+ExitOnOutOfMemoryError). No coverage agent: it
    // would run out of memory first.
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:MaxMetaspaceSize=10m",
            "-jar",
            JarProcess.jarFromProperty("controller.jar").toString());
    try (JarProcess controller =
        JarProcess.startCommand(command, workDir, ControllerJar.onAFreePort(env()))) {

      assertThat(controller.awaitExit(EXIT_TIMEOUT)).isEqualTo(3);
      assertThat(controller.log()).contains("Terminating due to java.lang.OutOfMemoryError");
    }
  }

  @Test
  void theReadmesSkopeoInspectReadsAnArtifactStraightFromTheStorageRoot() throws Exception {
    Matcher shown =
        Pattern.compile("`(skopeo inspect [^`]*)`")
            .matcher(Files.readString(REPOSITORY.resolve("README.md")));
    assertThat(shown.find()).as("the README's skopeo inspect command").isTrue();
    List<String> arguments = new ArrayList<>(Arrays.asList(shown.group(1).split(" ")));
    assertThat(arguments.remove(0)).isEqualTo("skopeo");
    String reference = arguments.get(arguments.size() - 1);
    assertThat(reference).startsWith("oci:./data/registry:");
    String[] repositoryAndTag = reference.substring("oci:./data/registry:".length()).split(":");
    Manifest artifact =
        Artifacts.image()
            .artifactType("application/vnd.shoal.rootfs.tar.gz")
            .layer(
                Artifacts.blob(
                    "application/vnd.shoal.rootfs.tar.gz", Artifacts.content(64 * 1024, 22)))
            .build();
    try (JarProcess controller = ControllerJar.startedOnAFreePort(workDir, env())) {
      new Pusher(new TestHttp(controller.base()))
          .image(repositoryAndTag[0], repositoryAndTag[1], artifact);
      // Skopeo runs in its home, here the directory holding ./data.
      Skopeo skopeo = Skopeo.require(workDir);

      Commands.Result inspected = skopeo.run(arguments.toArray(String[]::new));
      Commands.Result withoutRaw = skopeo.runAllowingFailure("inspect", reference);

      assertThat(Digests.sha256(inspected.stdout().getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(artifact.digest());
      assertThat(withoutRaw.exitCode()).as(withoutRaw.toString()).isNotZero();
      assertThat(withoutRaw.stderr()).contains("artifact");
    }
  }

  private Map<String, String> env() {
    return Map.of("DATA_DIR", workDir.resolve("data").toString());
  }
}
