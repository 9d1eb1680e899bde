package dev.ociregistry.servlet.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SingleUserTest {
  @Test
  void onlyTheConfiguredNameAndPasswordTogetherVerify() {
    SingleUser user = new SingleUser("provisioner", "s3cret");

    assertThat(user.verify("provisioner", "s3cret")).isTrue();
    assertThat(user.verify("provisioner", "s3cret ")).isFalse();
    assertThat(user.verify("other", "s3cret")).isFalse();
    assertThat(user.verify("", "")).isFalse();
    assertThat(user.generation()).isZero();
  }

  @Test
  void anEmptyNameOrPasswordOrANameWithAColonIsRefused() {
    assertThatThrownBy(() -> new SingleUser("", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SingleUser("a:b", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SingleUser("a", "")).isInstanceOf(IllegalArgumentException.class);
  }
}
