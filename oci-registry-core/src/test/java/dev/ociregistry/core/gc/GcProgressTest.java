package dev.ociregistry.core.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.internal.LayoutKeys;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.core.testing.PausingStorage;
import dev.ociregistry.core.testing.TestContent;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that takes longer than {@link GarbageCollector#PROGRESS_INTERVAL} tells its listeners how
 * far it got, and a short one does not: here the sweep is held on its first blob for longer than
 * the interval.
 */
class GcProgressTest {
  private static final RepositoryName REPO = RepositoryName.parse("slow/sweep");

  @TempDir Path root;

  private record Progress(String phase, long done, long total, Duration elapsed) {}

  @Test
  void aLongRunTellsHowFarItGotAndAShortOneDoesNot() throws Exception {
    PausingStorage storage = new PausingStorage(new FileSystemStorage(root));
    List<Progress> told = new CopyOnWriteArrayList<>();
    try (OciRegistry registry = OciRegistry.open(storage, RegistryOptions.defaults())) {
      registry
          .garbageCollector()
          .addListener(
              new GcListener() {
                @Override
                public void progress(String phase, long done, long total, Duration elapsed) {
                  told.add(new Progress(phase, done, total, elapsed));
                }
              });
      for (int i = 0; i < 3; i++) {
        TestContent.pushBlob(registry, REPO, Artifacts.content(10, i));
      }
      GcOptions options = GcOptions.withGracePeriod(Duration.ofDays(1));
      registry.garbageCollector().collect(options);
      assertThat(told).as("a short run").isEmpty();

      PausingStorage.Pause held =
          storage.pauseAt(
              PausingStorage.Op.STAT,
              PausingStorage.When.BEFORE,
              key -> key.startsWith(LayoutKeys.BLOBS + "/sha256/"),
              1);
      CompletableFuture<GcReport> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return registry.garbageCollector().collect(options);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      held.awaitReached();
      Await.holdsFor(
          "the sweep to stay held",
          GarbageCollector.PROGRESS_INTERVAL.plusMillis(200),
          () -> !run.isDone());
      held.release();
      run.get(30, TimeUnit.SECONDS);

      assertThat(told).hasSize(1);
      Progress progress = told.get(0);
      assertThat(progress.phase()).isEqualTo("sweep");
      assertThat(progress.done()).isEqualTo(2);
      assertThat(progress.total()).isEqualTo(3);
      assertThat(progress.elapsed()).isGreaterThan(GarbageCollector.PROGRESS_INTERVAL);
    }
  }
}
