package dev.ociregistry.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.servlet.OciRegistryServlet;
import dev.ociregistry.testkit.Commands;
import jakarta.servlet.Servlet;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.apache.commons.codec.binary.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;
import org.slf4j.Logger;

/**
 * The modules' declared API, seen as an embedding application on the module path sees it: an
 * application module that requires {@code dev.ociregistry.servlet} compiles and runs against what
 * core and servlet export, and cannot reach what they keep internal.
 */
class DeclaredApiTest {
  private static final String MODULE_INFO = "module embedder { requires dev.ociregistry.servlet; }";

  private static final String EMBEDDER =
      """
      package embedder;

      import dev.ociregistry.core.Maintenance;
      import dev.ociregistry.core.MaintenanceOptions;
      import dev.ociregistry.core.OciRegistry;
      import dev.ociregistry.core.RegistryOptions;
      import dev.ociregistry.core.digest.Digest;
      import dev.ociregistry.core.error.ErrorCode;
      import dev.ociregistry.core.error.RegistryException;
      import dev.ociregistry.core.gc.GcOptions;
      import dev.ociregistry.core.gc.GcReport;
      import dev.ociregistry.core.model.Reference;
      import dev.ociregistry.core.model.RepositoryName;
      import dev.ociregistry.servlet.OciRegistryServlet;
      import java.io.ByteArrayInputStream;
      import java.nio.charset.StandardCharsets;
      import java.nio.file.Path;
      import java.time.Duration;

      public final class Main {
        public static void main(String[] args) throws Exception {
          try (OciRegistry registry = OciRegistry.open(Path.of(args[0]), RegistryOptions.defaults())) {
            Maintenance maintenance = registry.startMaintenance(MaintenanceOptions.defaults());
            jakarta.servlet.Servlet servlet = new OciRegistryServlet(registry);
            RepositoryName repository = RepositoryName.parse("os-images/ubuntu-rootfs");
            byte[] content = "rootfs".getBytes(StandardCharsets.UTF_8);
            Digest digest = Digest.sha256(content);
            registry.blobs().put(repository, digest, new ByteArrayInputStream(content), content.length);
            if (registry.manifests().get(repository, Reference.parse("missing")).isPresent()) {
              throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "a manifest nobody pushed");
            }
            GcReport report =
                registry.garbageCollector().collect(GcOptions.withGracePeriod(Duration.ofDays(1)));
            System.out.println(
                "stored " + registry.blobs().stat(repository, digest).isPresent()
                    + ", servlet " + servlet.getClass().getSimpleName()
                    + ", maintenance " + maintenance.isRunning()
                    + ", collected " + report.blobsDeleted());
          }
        }
      }
      """;

  @TempDir Path work;

  @Test
  void anApplicationModuleCompilesAndRunsAgainstTheExportedApi() throws Exception {
    Path classes = compile(EMBEDDER, "");
    assertThat(errors).isEmpty();

    Commands.Result run =
        Commands.run(
            List.of(
                javaLauncher(),
                "--module-path",
                modulePath() + File.pathSeparator + classes,
                "--module",
                "embedder/embedder.Main",
                work.resolve("registry").toString()),
            work,
            environment -> {},
            Duration.ofMinutes(1));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout())
        .as(run.toString())
        .contains("stored true, servlet OciRegistryServlet, maintenance true, collected 0");
  }

  @Test
  void theStorageInternalsAreNotVisible() throws Exception {
    compile(EMBEDDER, "import dev.ociregistry.core.internal.LayoutKeys;");
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("dev.ociregistry.core.internal"));
    assertThat(errors).allSatisfy(e -> assertThat(e).contains("is not visible"));
  }

  @Test
  void theJsonReaderIsNotVisible() throws Exception {
    compile(EMBEDDER, "import dev.ociregistry.core.json.Json;");
    assertThat(errors).singleElement().asString().contains("dev.ociregistry.core.json");
    assertThat(errors).allSatisfy(e -> assertThat(e).contains("is not visible"));
  }

  @Test
  void theServletPlumbingIsNotVisible() throws Exception {
    compile(EMBEDDER, "import dev.ociregistry.servlet.internal.ByteRange;");
    assertThat(errors).singleElement().asString().contains("dev.ociregistry.servlet.internal");
    assertThat(errors).allSatisfy(e -> assertThat(e).contains("is not visible"));
  }

  private final List<String> errors = new ArrayList<>();

  /** Compiles the embedder with one more import line; its errors go to {@link #errors}. */
  private Path compile(String source, String extraImport) throws IOException, URISyntaxException {
    Path sources = work.resolve("src/embedder/embedder");
    Files.createDirectories(sources);
    Files.writeString(sources.getParent().resolve("module-info.java"), MODULE_INFO);
    Files.writeString(
        sources.resolve("Main.java"),
        source.replace("package embedder;\n", "package embedder;\n\n" + extraImport + "\n"));
    Path classes = work.resolve("classes");
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<Path> sourceFiles;
      try (Stream<Path> walk = Files.walk(work.resolve("src"))) {
        sourceFiles = walk.filter(p -> p.toString().endsWith(".java")).toList();
      }
      List<String> options =
          List.of(
              "--module-path",
              modulePath(),
              "--module-source-path",
              work.resolve("src").toString(),
              "-d",
              classes.toString());
      compiler
          .getTask(
              null,
              files,
              diagnostics,
              options,
              null,
              files.getJavaFileObjectsFromPaths(sourceFiles))
          .call();
    }
    diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .map(d -> d.getMessage(Locale.ROOT))
        .forEach(errors::add);
    return classes.resolve("embedder");
  }

  /**
   * The jars (or class folders) an embedder puts on its module path: our two modules and what the
   * servlet module requires.
   */
  private static String modulePath() throws URISyntaxException {
    List<Class<?>> modules =
        List.of(
            OciRegistry.class,
            OciRegistryServlet.class,
            Servlet.class,
            ObjectMapper.class,
            JsonFactory.class,
            JsonProperty.class,
            Hex.class,
            Logger.class,
            BCrypt.class);
    List<String> paths = new ArrayList<>();
    for (Class<?> type : modules) {
      paths.add(
          Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    return paths.stream().distinct().collect(Collectors.joining(File.pathSeparator));
  }

  private static String javaLauncher() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
