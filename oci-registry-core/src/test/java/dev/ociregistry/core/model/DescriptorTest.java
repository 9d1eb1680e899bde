package dev.ociregistry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.digest.Digest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Content descriptors: required fields, defaults and immutability. */
class DescriptorTest {
  private static final Digest DIGEST = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));

  @Test
  void ofHasNoArtifactTypeAndNoAnnotations() {
    Descriptor descriptor = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, DIGEST, 5);

    assertThat(descriptor.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_TAR_GZIP);
    assertThat(descriptor.digest()).isEqualTo(DIGEST);
    assertThat(descriptor.size()).isEqualTo(5);
    assertThat(descriptor.artifactType()).isEmpty();
    assertThat(descriptor.annotations()).isEmpty();
  }

  @Test
  void keepsArtifactTypeAndAnnotations() {
    Descriptor descriptor =
        new Descriptor(
            MediaTypes.OCI_MANIFEST,
            DIGEST,
            0,
            Optional.of("application/vnd.example.sbom"),
            Map.of("org.opencontainers.image.created", "2024-01-01T00:00:00Z"));

    assertThat(descriptor.artifactType()).contains("application/vnd.example.sbom");
    assertThat(descriptor.annotations())
        .containsExactly(Map.entry("org.opencontainers.image.created", "2024-01-01T00:00:00Z"));
  }

  @Test
  void nullArtifactTypeAndAnnotationsBecomeEmpty() {
    Descriptor descriptor = new Descriptor(MediaTypes.OCI_CONFIG, DIGEST, 1, null, null);

    assertThat(descriptor.artifactType()).isEmpty();
    assertThat(descriptor.annotations()).isEmpty();
    assertThat(descriptor).isEqualTo(Descriptor.of(MediaTypes.OCI_CONFIG, DIGEST, 1));
  }

  @Test
  void annotationsAreCopiedAndUnmodifiable() {
    Map<String, String> annotations = new HashMap<>(Map.of("k", "v"));
    Descriptor descriptor =
        new Descriptor(MediaTypes.OCI_CONFIG, DIGEST, 1, Optional.empty(), annotations);

    annotations.put("k2", "v2");

    assertThat(descriptor.annotations()).containsExactly(Map.entry("k", "v"));
    assertThatThrownBy(() -> descriptor.annotations().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void acceptsZeroAndLargeSizes() {
    assertThat(Descriptor.of(MediaTypes.OCI_EMPTY, DIGEST, 0).size()).isZero();
    assertThat(Descriptor.of(MediaTypes.OCI_LAYER_TAR, DIGEST, Long.MAX_VALUE).size())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rejectsNegativeSize() {
    assertThatThrownBy(() -> Descriptor.of(MediaTypes.OCI_CONFIG, DIGEST, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Descriptor.of(MediaTypes.OCI_CONFIG, DIGEST, Long.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsMissingMediaTypeOrDigest() {
    assertThatThrownBy(() -> Descriptor.of(null, DIGEST, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Descriptor.of("", DIGEST, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Descriptor.of(MediaTypes.OCI_CONFIG, null, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void equalFieldsMakeEqualDescriptors() {
    assertThat(Descriptor.of(MediaTypes.OCI_CONFIG, DIGEST, 1))
        .isEqualTo(Descriptor.of(MediaTypes.OCI_CONFIG, DIGEST, 1))
        .hasSameHashCodeAs(Descriptor.of(MediaTypes.OCI_CONFIG, DIGEST, 1))
        .isNotEqualTo(Descriptor.of(MediaTypes.OCI_CONFIG, DIGEST, 2))
        .isNotEqualTo(Descriptor.of(MediaTypes.DOCKER_CONFIG, DIGEST, 1));
  }
}
