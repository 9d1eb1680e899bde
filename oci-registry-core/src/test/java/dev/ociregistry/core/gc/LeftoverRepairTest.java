package dev.ociregistry.core.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.RegistryOptions;
import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.content.LeftoverNames;
import dev.ociregistry.core.content.LeftoverRepair;
import dev.ociregistry.core.filesystem.FileSystemBlobContent;
import dev.ociregistry.core.filesystem.FileSystemMetadata;
import dev.ociregistry.core.internal.LayoutIndex;
import dev.ociregistry.core.metadata.InProcessCoordination;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.storage.FileSystemStorage;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector ends each run that deletes with the content store's repair, passing the upload
 * timeout as the age and asking the metadata what is named; a repair that fails fails nothing else.
 */
class LeftoverRepairTest {
  @TempDir Path root;

  @Test
  void eachRunThatDeletesEndsWithTheRepairWhoseFailureFailsNothingElse() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(root);
    LayoutIndex index = new LayoutIndex(storage);
    index.load(Map.of());
    Deque<Object> answers = new ArrayDeque<>();
    answers.add(new IOException("the bucket cannot be listed"));
    answers.add(new LeftoverRepair(1, 2, 300));
    List<Object[]> calls = new ArrayList<>();
    BlobContent content = repairing(new FileSystemBlobContent(storage), answers, calls);
    Duration uploadTimeout = Duration.ofMinutes(7);
    try (OciRegistry registry =
        OciRegistry.open(
            new FileSystemMetadata(storage, index),
            content,
            new InProcessCoordination(),
            RegistryOptions.defaults().withUploadTimeout(uploadTimeout))) {
      GcReport failedRepair =
          registry.garbageCollector().collect(GcOptions.withGracePeriod(Duration.ZERO));
      assertThat(failedRepair.leftovers()).isEqualTo(LeftoverRepair.NONE);
      GcReport repaired =
          registry.garbageCollector().collect(GcOptions.withGracePeriod(Duration.ZERO));
      assertThat(repaired.leftovers()).isEqualTo(new LeftoverRepair(1, 2, 300));
      GcReport dryRun =
          registry.garbageCollector().collect(new GcOptions(Duration.ZERO, false, true));
      assertThat(dryRun.leftovers()).isEqualTo(LeftoverRepair.NONE);

      assertThat(calls).hasSize(2);
      assertThat(calls.get(0)[1]).isEqualTo(uploadTimeout);
      LeftoverNames names = (LeftoverNames) calls.get(0)[0];
      assertThat(names.blob("blobs/sha256/" + "0".repeat(64))).isFalse();
      assertThat(names.upload("no-such-upload")).isFalse();
      String id = registry.uploads().start(RepositoryName.parse("a/b")).id();
      assertThat(names.upload(id)).isTrue();
    }
  }

  /** {@code content}, whose repair answers the next of {@code answers} and is recorded. */
  private static BlobContent repairing(
      BlobContent content, Deque<Object> answers, List<Object[]> calls) {
    return (BlobContent)
        Proxy.newProxyInstance(
            BlobContent.class.getClassLoader(),
            new Class<?>[] {BlobContent.class},
            (proxy, method, arguments) -> {
              if (method.getName().equals("removeLeftovers")) {
                calls.add(arguments);
                Object answer = answers.remove();
                if (answer instanceof IOException failure) {
                  throw failure;
                }
                return answer;
              }
              try {
                return method.invoke(content, arguments);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
