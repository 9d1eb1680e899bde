package dev.ociregistry.examples.jetty;

import dev.ociregistry.examples.checks.ExampleChecks;
import dev.ociregistry.examples.checks.RunningExample;
import java.nio.file.Path;

/** The embedded Jetty example passes every example's checks (real clients, shutdown, resume). */
class EmbeddedJettyExampleTest extends ExampleChecks {
  @Override
  protected RunningExample start(Path storage, int port) throws Exception {
    EmbeddedJettyExample example = EmbeddedJettyExample.start(storage, port);
    return new RunningExample(example.uri(), example.maintenance(), example::stop);
  }
}
