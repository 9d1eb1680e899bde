package dev.ociregistry.examples.tomcat;

import dev.ociregistry.examples.checks.ExampleChecks;
import dev.ociregistry.examples.checks.RunningExample;
import java.nio.file.Path;

/** The embedded Tomcat example passes every example's checks (real clients, shutdown, resume). */
class EmbeddedTomcatExampleTest extends ExampleChecks {
  @Override
  protected RunningExample start(Path storage, int port) throws Exception {
    EmbeddedTomcatExample example = EmbeddedTomcatExample.start(storage, port);
    return new RunningExample(example.uri(), example.maintenance(), example::stop);
  }
}
