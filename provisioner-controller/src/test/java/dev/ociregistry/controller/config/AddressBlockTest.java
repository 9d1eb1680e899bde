package dev.ociregistry.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code TRUSTED_PROXIES} entries: literals only, blocks and their edges, canonical text. */
class AddressBlockTest {
  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.0.0.0, true",
    "10.0.0.0/8, 10.255.255.255, true",
    "10.0.0.0/8, 11.0.0.0, false",
    "10.0.0.0/8, 9.255.255.255, false",
    "192.168.1.128/25, 192.168.1.127, false",
    "192.168.1.128/25, 192.168.1.128, true",
    "192.168.1.128/25, 192.168.1.255, true",
    "192.168.1.128/25, 192.168.2.128, false",
    "127.0.0.1, 127.0.0.1, true",
    "127.0.0.1, 127.0.0.2, false",
    "127.0.0.1/32, 127.0.0.1, true",
    "0.0.0.0/0, 203.0.113.9, true",
    "0.0.0.0/0, ::1, false",
    "::1, ::1, true",
    "::1, 127.0.0.1, false",
    "::1, ::2, false",
    "fd00::/8, fdff:ffff::1, true",
    "fd00::/8, fe00::, false",
    "fd00::/8, fcff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, false",
    "2001:db8::/127, 2001:db8::1, true",
    "2001:db8::/127, 2001:db8::2, false",
    "2001:db8::/64, 2001:db8::ffff:ffff:ffff:ffff, true",
    "2001:db8::/64, 2001:db8:0:1::, false",
    "::/0, 2001:db8::1, true",
    "::/0, 10.0.0.1, false",
    "::ffff:10.0.0.1, 10.0.0.1, true"
  })
  void aBlockHoldsExactlyTheAddressesItsPrefixCovers(String block, String address, boolean in)
      throws UnknownHostException {
    assertThat(AddressBlock.parse(block).contains(InetAddress.getByName(address)))
        .as(block + " holds " + address)
        .isEqualTo(in);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.1.2.3/8",
        "10.0.0.0/33",
        "::/129",
        "2001:db8::1/64",
        "localhost",
        "registry.example.org",
        "10.0.0",
        "010.0.0.1",
        "256.0.0.1",
        "1.2.3.4.5",
        "[::1]",
        "fe80::1%eth0",
        "10.0.0.0/",
        "10.0.0.0/8/8",
        "10.0.0.0/-1",
        "10.0.0.0/+8",
        "1:2:3:4:5:6:7:8:9",
        ":::",
        "",
        "*"
      })
  void anythingButAnAddressLiteralOrABlockIsRefused(String text) {
    assertThatThrownBy(() -> AddressBlock.parse(text))
        .as(text)
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hostNamesAreNeverLookedUp() {
    assertThat(AddressBlock.address("localhost")).isEmpty();
    assertThat(AddressBlock.address("abc")).as("hex digits, no colon").isEmpty();
    assertThat(AddressBlock.address("1")).as("the JDK's legacy one-number form").isEmpty();
    assertThat(AddressBlock.address("127.1")).as("the JDK's legacy short form").isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.0.0.0/8",
    "127.0.0.1, 127.0.0.1",
    "127.0.0.1/32, 127.0.0.1",
    " 0.0.0.0/0 , 0.0.0.0/0",
    "0:0:0:0:0:0:0:1, ::1",
    "::1/128, ::1",
    "FD00:0:0::/8, fd00::/8",
    "::/0, ::/0",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "fe80::, fe80::",
    "::ffff:192.0.2.1, 192.0.2.1"
  })
  void blocksPrintCanonically(String text, String canonical) {
    assertThat(AddressBlock.parse(text)).hasToString(canonical);
  }

  @Test
  void aListIsCommaSeparatedWithSpacesAndBlankEntriesAllowed() {
    assertThat(AddressBlock.parseList(" 127.0.0.1 , 10.0.0.0/8,::1,, "))
        .containsExactly(
            AddressBlock.parse("127.0.0.1"),
            AddressBlock.parse("10.0.0.0/8"),
            AddressBlock.parse("::1"));
    assertThat(AddressBlock.parseList("")).isEmpty();
    assertThatThrownBy(() -> AddressBlock.parseList("127.0.0.1, proxy.local"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
