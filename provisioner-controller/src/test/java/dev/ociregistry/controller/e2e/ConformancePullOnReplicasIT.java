package dev.ociregistry.controller.e2e;

import dev.ociregistry.servlet.conformance.ConformancePullTest;
import java.nio.file.Path;

/**
 * The conformance suite's pull workflow against three controller replicas on PostgreSQL and S3
 * behind a round-robin nginx ({@link ReplicaSite}): each request goes to the next replica.
 */
class ConformancePullOnReplicasIT extends ConformancePullTest {
  @Override
  protected RegistryUnderTest registryUnderTest(Path root) throws Exception {
    return ReplicaSite.forConformance(root);
  }
}
