package dev.ociregistry.examples.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.examples.checks.ExampleChecks;
import dev.ociregistry.examples.checks.RunningExample;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.catalina.connector.CoyoteOutputStream;
import org.junit.jupiter.api.Test;

/** The embedded Tomcat example passes every example's checks (real clients, shutdown, resume). */
class EmbeddedTomcatExampleTest extends ExampleChecks {
  @Override
  protected RunningExample start(Path storage, int port) throws Exception {
    EmbeddedTomcatExample example = EmbeddedTomcatExample.start(storage, port);
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

    assertThat(MethodHandles.publicLookup().findVirtual(CoyoteOutputStream.class, "write", write))
        .isNotNull();
  }
}
