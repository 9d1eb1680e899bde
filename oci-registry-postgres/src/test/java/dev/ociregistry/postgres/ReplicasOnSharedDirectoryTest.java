package dev.ociregistry.postgres;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.filesystem.FileSystemBlobContent;
import dev.ociregistry.core.storage.FileSystemStorage;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Replicas whose blob content is one directory they all mount (NFS, a shared volume). */
class ReplicasOnSharedDirectoryTest extends ReplicasContract {
  @TempDir Path directory;

  @Override
  protected BlobContent content() throws IOException {
    return new FileSystemBlobContent(new FileSystemStorage(directory));
  }
}
