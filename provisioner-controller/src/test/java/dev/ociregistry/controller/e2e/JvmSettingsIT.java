package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.TestHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM settings: the controller says so at start when the JVM would not exit on running out of
 * memory; the README's launcher ({@code scripts/controller}) runs it with its settings, quietly,
 * archives its classes when it first stops and maps that archive on every later start, and archives
 * them again once the jar is rebuilt; {@code CONTROLLER_CDS_ARCHIVE} puts the archive elsewhere,
 * and an archive that cannot be written is done without.
 */
class JvmSettingsIT {
  private static final String WARNING = "without -XX:+ExitOnOutOfMemoryError";
  private static final Path LAUNCHER =
      Path.of(System.getProperty("user.dir")).resolveSibling("scripts").resolve("controller");

  @TempDir Path workDir;

  @Test
  void aJvmThatWouldNotExitOnOutOfMemoryIsWarnedAbout() throws Exception {
    Map<String, String> env =
        ControllerJar.onAFreePort(Map.of("DATA_DIR", workDir.resolve("data").toString()));
    try (JarProcess controller =
        JarProcess.start(JarProcess.jarFromProperty("controller.jar"), workDir, env, "-Xmx128m")) {
      controller.awaitListening();

      assertThat(controller.log()).contains(WARNING);
    }
  }

  @Test
  void theLauncherRunsTheJarQuietlyAndItsSecondStartMapsTheClassArchiveOfTheFirst()
      throws Exception {
    Path jar = workDir.resolve("provisioner-controller.jar");
    Files.copy(JarProcess.jarFromProperty("controller.jar"), jar);
    Path archive = workDir.resolve("provisioner-controller.jsa");

    String first = runAndStop(jar, Map.of());
    assertThat(first).doesNotContain(WARNING).doesNotContainIgnoringCase("warning");
    assertThat(archive).isNotEmptyFile();
    FileTime archived = Files.getLastModifiedTime(archive);

    // -Xshare:on makes the JVM refuse to start unless it maps the archive.
    String second = runAndStop(jar, Map.of("JAVA_OPTS", "-Xshare:on"));
    assertThat(second).doesNotContainIgnoringCase("warning");
    assertThat(Files.getLastModifiedTime(archive)).isEqualTo(archived);

    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
    runAndStop(jar, Map.of());
    assertThat(Files.getLastModifiedTime(archive)).isNotEqualTo(archived);
    runAndStop(jar, Map.of("JAVA_OPTS", "-Xshare:on"));
  }

  @Test
  void theArchiveGoesWhereControllerCdsArchiveSaysLeavingTheJarsDirectoryAlone() throws Exception {
    Path jars = Files.createDirectories(workDir.resolve("opt"));
    Path jar = Files.copy(JarProcess.jarFromProperty("controller.jar"), jars.resolve("ctl.jar"));
    Path archive = workDir.resolve("cache/archives/ctl.jsa");

    runAndStop(jar, Map.of("CONTROLLER_CDS_ARCHIVE", archive.toString()));
    assertThat(archive).as("its directory made by the launcher").isNotEmptyFile();
    try (Stream<Path> beside = Files.list(jars)) {
      assertThat(beside).containsExactly(jar);
    }

    // -Xshare:on makes the JVM refuse to start unless it maps the archive.
    String second =
        runAndStop(
            jar, Map.of("CONTROLLER_CDS_ARCHIVE", archive.toString(), "JAVA_OPTS", "-Xshare:on"));
    assertThat(second).doesNotContainIgnoringCase("warning");
  }

  @Test
  void anArchiveThatCannotBeWrittenIsDoneWithoutAndTheStopStillExitsZero() throws Exception {
    Path jar = workDir.resolve("provisioner-controller.jar");
    Files.copy(JarProcess.jarFromProperty("controller.jar"), jar);
    Path notADirectory = Files.writeString(workDir.resolve("file"), "");

    String log =
        runAndStop(
            jar, Map.of("CONTROLLER_CDS_ARCHIVE", notADirectory.resolve("x.jsa").toString()));

    assertThat(log)
        .contains("cannot write the class archive in " + notADirectory + "; starting without one")
        .doesNotContain("Unable to create shared archive file");
    assertThat(workDir.resolve("provisioner-controller.jsa")).doesNotExist();
  }

  /** Runs the launcher until it serves {@code /v2/}, stops it as a supervisor does; its output. */
  private String runAndStop(Path jar, Map<String, String> more) throws Exception {
    Map<String, String> env = new HashMap<>(more);
    env.put("CONTROLLER_JAR", jar.toString());
    env.put("DATA_DIR", workDir.resolve("data").toString());
    try (JarProcess controller =
        JarProcess.startCommand(
            List.of(LAUNCHER.toString()), workDir, ControllerJar.onAFreePort(env))) {
      controller.awaitListening();
      assertThat(new TestHttp(controller.base()).get("/v2/").status()).isEqualTo(200);
      controller.terminate();
      assertThat(controller.awaitExit(Duration.ofSeconds(60))).isZero();
      return controller.log();
    }
  }
}
