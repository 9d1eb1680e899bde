package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OciUrlTest {
  private static final String DIGEST =
      "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

  @Test
  void repositoryWithTagAndNoHostHasNoHost() {
    OciUrl url = OciUrl.parse("os-images/ubuntu-rootfs:22.04");

    assertThat(url.host()).isEmpty();
    assertThat(url.repository()).isEqualTo("os-images/ubuntu-rootfs");
    assertThat(url.reference()).isEqualTo("22.04");
    assertThat(url.byDigest()).isFalse();
  }

  @Test
  void firstComponentWithDotOrColonOrLocalhostIsAHost() {
    assertThat(OciUrl.parse("controller.example.com:8080/os-images/ubuntu:22.04").host())
        .hasValue("controller.example.com:8080");
    assertThat(OciUrl.parse("docker.io/library/alpine:3").host()).hasValue("docker.io");
    assertThat(OciUrl.parse("localhost/tools/alpine:latest").host()).hasValue("localhost");
    assertThat(OciUrl.parse("registry:5000/tools/alpine:latest").host()).hasValue("registry:5000");
    assertThat(OciUrl.parse("tools/alpine:latest").host()).isEmpty();
  }

  @Test
  void digestReferenceIsKeptAsWritten() {
    OciUrl url = OciUrl.parse("localhost:5000/os-images/windows@" + DIGEST);

    assertThat(url.repository()).isEqualTo("os-images/windows");
    assertThat(url.reference()).isEqualTo(DIGEST);
    assertThat(url.byDigest()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "os-images/ubuntu",
        "os-images/ubuntu:",
        "https://controller:8080/os-images/ubuntu:22.04",
        "os-images/Ubuntu:22.04",
        "os-images//ubuntu:22.04",
        "os-images/ubuntu:-bad",
        "os-images/ubuntu:22.04@" + DIGEST,
        "os-images/ubuntu@sha256:",
        "bad_host.example.com/os-images/ubuntu:1",
        "host.example.com/:1",
        "os images/ubuntu:1"
      })
  void malformedUrlsAreRejectedNamingOciUrl(String text) {
    assertThatThrownBy(() -> OciUrl.parse(text))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).hasValue("oci_url");
            });
  }
}
