package dev.ociregistry.controller.http;

import dev.ociregistry.controller.config.AddressBlock;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Believes the forwarded headers of the reverse proxies {@code TRUSTED_PROXIES} lists, and of no
 * one else: for a request whose TCP peer is in one of the blocks, Jetty's {@link
 * ForwardedRequestCustomizer} makes the scheme, host, port, {@code isSecure} and the remote address
 * follow {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code X-Forwarded-For}; for any
 * other peer the request is left exactly as it arrived. So the access log, the audit log's {@code
 * client}, the failed-login throttle and {@code task.json}'s registry URL see the client and the
 * URL it used, not the proxy's hop.
 *
 * <p>A client can send these headers itself, through the proxy; what it sends is not believed:
 *
 * <ul>
 *   <li>{@code X-Forwarded-For}: a proxy appends the address it was connected from ({@code
 *       $proxy_add_x_forwarded_for} in nginx), so every entry left of the ones trusted proxies
 *       appended is the client's to choose. Jetty takes the left-most entry; this class first
 *       reduces the header (all its lines, in order) to one entry: walking from the right, the
 *       first that is not a trusted proxy is the client. When every entry is a trusted proxy, the
 *       left-most is; an entry that is not an IP address (a name, {@code unknown}, garbage) ends
 *       the walk, and the last trusted entry before it stands, or the peer itself when there is
 *       none. An entry may carry a port ({@code 192.0.2.1:5678}, {@code [2001:db8::1]:5678}), which
 *       is dropped. The address is passed on as Jetty writes a peer's own ({@code 192.0.2.1},
 *       {@code [2001:db8:0:0:0:0:0:1]}), so a forwarded client and a direct one read alike.
 *   <li>{@code X-Forwarded-Proto} and {@code X-Forwarded-Host}: the proxy must set them, replacing
 *       what the client sent (the shipped nginx configuration does). One that arrives with more
 *       than one value (a list, or several lines: a proxy that appends) is ignored, as is a proto
 *       other than {@code http} or {@code https}.
 *   <li>Every other forwarding header Jetty's customizer knows ({@code Forwarded} of RFC 7239,
 *       {@code X-Forwarded-Port}, {@code X-Forwarded-Server}, {@code X-Proxied-Https}, {@code
 *       Proxy-ssl-id}, {@code Proxy-auth-cert}) is removed before it runs, so that a client cannot
 *       inject one through a proxy that does not overwrite it.
 * </ul>
 *
 * <p>Jetty applies the customizers of an {@link HttpConfiguration} in order: this one goes after
 * {@code SecureRequestCustomizer}, so that a trusted {@code X-Forwarded-Proto} has the last word on
 * the scheme.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7239#section-8.1">RFC 7239 section 8.1, header
 *     validity and integrity</a>
 */
public final class TrustedProxies implements HttpConfiguration.Customizer {
  /** The forwarding headers Jetty's customizer reads that are never passed to it. */
  static final List<String> DROPPED =
      List.of(
          HttpHeader.FORWARDED.asString(),
          HttpHeader.X_FORWARDED_PORT.asString(),
          HttpHeader.X_FORWARDED_SERVER.asString(),
          "X-Proxied-Https",
          "Proxy-ssl-id",
          "Proxy-auth-cert");

  private final List<AddressBlock> proxies;
  private final ForwardedRequestCustomizer forwarded;

  /** Believes the proxies in {@code proxies}; with none, forwarded headers change nothing. */
  public TrustedProxies(List<AddressBlock> proxies) {
    this.proxies = List.copyOf(proxies);
    this.forwarded = new ForwardedRequestCustomizer();
    // Removed before it runs anyway; unknown to it as well.
    forwarded.setForwardedHeader(null);
    forwarded.setForwardedPortHeader(null);
    forwarded.setForwardedServerHeader(null);
    forwarded.setForwardedHttpsHeader(null);
    forwarded.setForwardedSslSessionIdHeader(null);
    forwarded.setForwardedCipherSuiteHeader(null);
  }

  /** Whether {@code address} is one of the trusted proxies. */
  public boolean trusts(InetAddress address) {
    for (AddressBlock block : proxies) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Request customize(Request request, HttpFields.Mutable responseHeaders) {
    if (!(request.getConnectionMetaData().getRemoteSocketAddress()
            instanceof InetSocketAddress peer)
        || peer.getAddress() == null
        || !trusts(peer.getAddress())) {
      return request;
    }
    Optional<HttpFields> passed = passedOn(request.getHeaders());
    if (passed.isEmpty()) {
      return request;
    }
    HttpFields headers = passed.get();
    return forwarded.customize(
        new Request.Wrapper(request) {
          @Override
          public HttpFields getHeaders() {
            return headers;
          }
        },
        responseHeaders);
  }

  /**
   * The headers of a request from a trusted proxy as Jetty's customizer is to see them (see the
   * class comment); empty when the request has no forwarding header at all.
   */
  Optional<HttpFields> passedOn(HttpFields headers) {
    List<String> forwardedFor = new ArrayList<>();
    boolean any = false;
    HttpFields.Mutable passed = HttpFields.build(headers.size());
    for (HttpField field : headers) {
      if (field.is(HttpHeader.X_FORWARDED_FOR.asString())) {
        any = true;
        for (String entry : field.getValue().split(",", -1)) {
          forwardedFor.add(entry.trim());
        }
      } else if (DROPPED.stream().anyMatch(field::is)) {
        any = true;
      } else if (field.is(HttpHeader.X_FORWARDED_PROTO.asString())) {
        any = true;
        if (single(headers, field) && isScheme(field.getValue())) {
          passed.add(field);
        }
      } else if (field.is(HttpHeader.X_FORWARDED_HOST.asString())) {
        any = true;
        if (single(headers, field)) {
          passed.add(field);
        }
      } else {
        passed.add(field);
      }
    }
    if (!any) {
      return Optional.empty();
    }
    client(forwardedFor)
        .ifPresent(client -> passed.add(HttpHeader.X_FORWARDED_FOR, jettyLiteral(client)));
    return Optional.of(passed.asImmutable());
  }

  /**
   * The client among the {@code X-Forwarded-For} entries, left to right as they arrived: the
   * right-most that is not a trusted proxy; the left-most when all are; the last trusted one before
   * an entry that is not an address. Empty when there are no entries or the right-most is not an
   * address.
   */
  Optional<InetAddress> client(List<String> entries) {
    Optional<InetAddress> reached = Optional.empty();
    for (int i = entries.size() - 1; i >= 0; i--) {
      Optional<InetAddress> address = address(entries.get(i));
      if (address.isEmpty()) {
        return reached;
      }
      if (!trusts(address.get())) {
        return address;
      }
      reached = address;
    }
    return reached;
  }

  /** An entry's address, its port (if any) dropped. */
  private static Optional<InetAddress> address(String entry) {
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      String rest = entry.substring(close + 1);
      if (!rest.isEmpty() && !rest.matches(":\\d{1,5}")) {
        return Optional.empty();
      }
      return AddressBlock.address(entry.substring(1, close))
          .filter(address -> address instanceof Inet6Address);
    }
    int colon = entry.indexOf(':');
    if (colon >= 0 && colon == entry.lastIndexOf(':')) {
      // One colon: an IPv4 address and a port.
      if (!entry.substring(colon + 1).matches("\\d{1,5}")) {
        return Optional.empty();
      }
      return AddressBlock.address(entry.substring(0, colon));
    }
    return AddressBlock.address(entry);
  }

  /** As Jetty writes a peer's address: IPv6 in full and in brackets. */
  private static String jettyLiteral(InetAddress address) {
    return address instanceof Inet6Address
        ? "[" + address.getHostAddress() + "]"
        : address.getHostAddress();
  }

  private static boolean single(HttpFields headers, HttpField field) {
    return headers.getFields(field.getName()).size() == 1 && field.getValue().indexOf(',') < 0;
  }

  private static boolean isScheme(String value) {
    String scheme = value.trim().toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("https");
  }

  @Override
  public String toString() {
    return proxies.stream().map(AddressBlock::toString).collect(Collectors.joining(","));
  }
}
