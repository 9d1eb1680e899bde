package dev.ociregistry.servlet.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BasicAuthenticatorTest {
  @Test
  void ipv6AddressesAreThrottledByTheirSlash64AndIpv4ByTheAddress() {
    assertThat(BasicAuthenticator.addressGroup("2001:db8:1:2:aaaa::1"))
        .isEqualTo(BasicAuthenticator.addressGroup("2001:db8:1:2:bbbb::7"))
        .isEqualTo("20010db800010002::/64");
    assertThat(BasicAuthenticator.addressGroup("2001:db8:1:3::1"))
        .isNotEqualTo(BasicAuthenticator.addressGroup("2001:db8:1:2::1"));
    assertThat(BasicAuthenticator.addressGroup("192.0.2.7")).isEqualTo("192.0.2.7");
  }

  @Test
  void mappedAndUnparsableAddressesAreThrottledAsTheyCome() {
    assertThat(BasicAuthenticator.addressGroup("::ffff:192.0.2.7")).isEqualTo("::ffff:192.0.2.7");
    assertThat(BasicAuthenticator.addressGroup("not:an:address:zz")).isEqualTo("not:an:address:zz");
  }

  @Test
  void aRealmThatWouldBreakTheChallengeIsRefused() {
    UserStore nobody = new SingleUser("u", "p");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new BasicAuthenticator(nobody, "bad\"realm"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new BasicAuthenticator(nobody, "registry").challenge())
        .isEqualTo("Basic realm=\"registry\"");
  }
}
