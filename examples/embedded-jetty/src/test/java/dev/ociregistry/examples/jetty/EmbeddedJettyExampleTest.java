package dev.ociregistry.examples.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.examples.checks.ExampleChecks;
import dev.ociregistry.examples.checks.RunningExample;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.junit.jupiter.api.Test;

/** The embedded Jetty example passes every example's checks (real clients, shutdown, resume). */
class EmbeddedJettyExampleTest extends ExampleChecks {
  @Override
  protected RunningExample start(Path storage, int port) throws Exception {
    EmbeddedJettyExample example = EmbeddedJettyExample.start(storage, port);
    return new RunningExample(example.uri(), example.maintenance(), example::stop);
  }

  /**
   * The servlet sends downloads larger than 64 KiB from direct buffers through the stream's {@code
   * write(ByteBuffer)}, found reflectively; the checks' 3 MiB downloads cover that path only while
   * the container's stream has it.
   */
  @Test
  void streamOffersWriteByteBufferSoLargeDownloadsTakeTheDirectBufferPath() throws Exception {
    MethodType write = MethodType.methodType(void.class, ByteBuffer.class);

    assertThat(MethodHandles.publicLookup().findVirtual(HttpOutput.class, "write", write))
        .isNotNull();
  }
}
