package dev.ociregistry.controller.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address block in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), or one
 * address ({@code 127.0.0.1}, {@code ::1}), as {@code TRUSTED_PROXIES} lists them (<a
 * href="https://www.rfc-editor.org/rfc/rfc4632#section-3.1">RFC 4632 section 3.1</a>, <a
 * href="https://www.rfc-editor.org/rfc/rfc4291#section-2.3">RFC 4291 section 2.3</a>).
 *
 * <p>Addresses are literals only: nothing here ever asks DNS. A block's address has no bits set
 * beyond its prefix ({@code 10.1.2.3/8} is refused, so a typo does not quietly trust a whole
 * network). An IPv4-mapped IPv6 literal ({@code ::ffff:10.0.0.1}) is the IPv4 address, as the JDK
 * reports such peers.
 *
 * @param network the block's first address
 * @param prefixLength how many leading bits an address shares with {@code network} to be in the
 *     block: 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record AddressBlock(InetAddress network, int prefixLength) {
  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 =
      Pattern.compile(OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET);
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern BLOCK = Pattern.compile("([^/]+)(?:/(\\d{1,3}))?");

  /**
   * @throws IllegalArgumentException when the prefix length does not fit the address, or the
   *     address has bits set beyond it
   */
  public AddressBlock {
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "prefix length " + prefixLength + " is not between 0 and " + bits);
    }
    if (!zeroBeyond(network.getAddress(), prefixLength)) {
      throw new IllegalArgumentException(
          literal(network) + " has bits set beyond its prefix length " + prefixLength);
    }
  }

  /**
   * Reads {@code text}: an address literal, alone or followed by {@code /} and a prefix length.
   *
   * @throws IllegalArgumentException when it is anything else
   */
  public static AddressBlock parse(String text) {
    Matcher matcher = BLOCK.matcher(text.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not an address or address block: " + text);
    }
    InetAddress address =
        address(matcher.group(1))
            .orElseThrow(() -> new IllegalArgumentException("not an IP address: " + text));
    int bits = address.getAddress().length * 8;
    int prefix = matcher.group(2) == null ? bits : Integer.parseInt(matcher.group(2));
    return new AddressBlock(address, prefix);
  }

  /**
   * Reads a comma-separated list of blocks; blank entries are skipped, so an empty text is an empty
   * list.
   *
   * @throws IllegalArgumentException when an entry is not a block
   */
  public static List<AddressBlock> parseList(String text) {
    List<AddressBlock> blocks = new ArrayList<>();
    for (String entry : text.split(",", -1)) {
      if (!entry.isBlank()) {
        blocks.add(parse(entry));
      }
    }
    return List.copyOf(blocks);
  }

  /**
   * The address {@code text} is a literal of: dotted-quad IPv4 (no leading zeros) or IPv6 (no
   * brackets, no zone); empty for anything else, host names included, which are never looked up.
   */
  public static Optional<InetAddress> address(String text) {
    String trimmed = text.trim();
    try {
      if (IPV4.matcher(trimmed).matches()) {
        return Optional.of(InetAddress.getByName(trimmed));
      }
      if (trimmed.indexOf(':') >= 0 && IPV6.matcher(trimmed).matches()) {
        // With a ':' in it, the JDK reads the text as an IPv6 literal or refuses it: no lookup.
        return Optional.of(InetAddress.getByName(trimmed));
      }
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Whether {@code address} is in this block (an IPv4 address is never in an IPv6 block). */
  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    byte[] own = network.getAddress();
    return candidate.length == own.length && startsWith(candidate, own, prefixLength);
  }

  /** The address alone for a single address, else {@code address/prefix}; IPv6 compressed. */
  @Override
  public String toString() {
    int bits = network.getAddress().length * 8;
    return prefixLength == bits ? literal(network) : literal(network) + "/" + prefixLength;
  }

  /**
   * {@code address} as text: dotted quad, or IPv6 in the shortest form of <a
   * href="https://www.rfc-editor.org/rfc/rfc5952#section-4">RFC 5952 section 4</a> ({@code ::1},
   * {@code fd00::/8}), without brackets.
   */
  public static String literal(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] bytes = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  private static boolean startsWith(byte[] candidate, byte[] prefix, int bits) {
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) {
      if (candidate[i] != prefix[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (candidate[whole] & mask) == (prefix[whole] & mask);
  }

  private static boolean zeroBeyond(byte[] address, int bits) {
    for (int bit = bits; bit < address.length * 8; bit++) {
      if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
        return false;
      }
    }
    return true;
  }
}
